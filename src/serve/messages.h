/* messages.h: every text of `claimwatch serve` a person reads, in Chinese and English (docs/serve.md,
 * "Errors"): the JSON error answers (a status, a stable code, a message) and the service's own lines on
 * standard error.
 *
 * One X-macro list, CW_SERVE_MESSAGES, holds each text once: its key, HTTP status and code (0 and
 * NULL for a line of the log), the English template and the Chinese one. A template's variable parts
 * are strings: {0} is the error's JSON path, {1}, {2}... the strings the call passes after it;
 * {N:word} is a fixed word (a JSON type: "number", "array"...) shown in the template's language.
 * Numbers are formatted by the caller. Both forms are rendered when the error is made, so the answer
 * can be given in whichever language the request turns out to ask for (cw_msg_lang_choose). Machines
 * read the code and the path, which never change with the language; people read the message. */
#ifndef CW_SERVE_MESSAGES_H
#define CW_SERVE_MESSAGES_H
#include <stddef.h>

/* The languages of the service's texts: Chinese is the default (the guide's users read Chinese). */
enum { CW_MSG_ZH, CW_MSG_EN, CW_MSG_LANGS };

/* X(key, status, code, English, Chinese) */
#define CW_SERVE_MESSAGES(X) \
	/* the body as JSON (request.c) */ \
	X(M_MALFORMED_JSON, 400, "malformed_json", "malformed JSON at byte {1}", "JSON 格式错误，在第 {1} 字节") \
	X(M_TRAILING_JSON, 400, "malformed_json", "malformed JSON: more after the value at byte {1}", \
	  "JSON 格式错误：第 {1} 字节处在值之后还有内容") \
	X(M_BODY_NOT_OBJECT, 400, "wrong_type", "the body must be a JSON object, not {1:word}", \
	  "请求体必须是 JSON 对象，不能是{1:word}") \
	X(M_UNKNOWN_TOP_FIELD, 400, "unknown_field", "{0}: unknown field (visit, lines, prescriptions, lang)", \
	  "{0}：未知字段（只能是 visit、lines、prescriptions、lang）") \
	X(M_UNKNOWN_FIELD, 400, "unknown_field", "{0}: unknown field (the columns of {1})", \
	  "{0}：未知字段（应为 {1} 的列）") \
	X(M_DUPLICATE_FIELD, 400, "duplicate_field", "{0}: given twice", "{0}：重复给出") \
	X(M_MISSING_FIELD, 400, "missing_field", "{0}: required", "{0}：必填，但未给出") \
	X(M_NOT_OBJECT, 400, "wrong_type", "{0}: expected an object, got {1:word}", "{0}：应为对象，实为{1:word}") \
	X(M_NOT_ARRAY, 400, "wrong_type", "{0}: expected an array, got {1:word}", "{0}：应为数组，实为{1:word}") \
	X(M_NOT_STRING, 400, "wrong_type", "{0}: expected a string in the contract's text form, got {1:word}", \
	  "{0}：应为数据约定文本形式的字符串，实为{1:word}") \
	X(M_CONTROL_CHAR, 400, "invalid_value", "{0}: contains a control character", \
	  "{0}：含有控制字符（流水文件每条记录占一行）") \
	X(M_LANG_TYPE, 400, "wrong_type", "lang: expected \"zh\" or \"en\", got {1:word}", \
	  "lang：应为 \"zh\" 或 \"en\"，实为{1:word}") \
	X(M_LANG_VALUE, 422, "invalid_value", "lang: \"zh\" or \"en\", not \"{1}\"", \
	  "lang：只能是 \"zh\" 或 \"en\"，不能是 \"{1}\"") \
	X(M_TOO_MANY_ROWS, 413, "too_many_rows", "{0}: {1} rows, at most {2} in one request", \
	  "{0}：{1} 行，一个请求最多 {2} 行") \
	/* the values, typed as the batch types them (request.c, history.c); the reason is the data \
	 * contract's own (source/rows.c, the batch's reject file), in English */ \
	X(M_INVALID_VALUE, 422, "invalid_value", "{1}: {2}", "{1}：数据约定不接受此值（{2}）") \
	X(M_UNKNOWN_REFERENCE, 422, "unknown_reference", "{1}: {2}", "{1}：引用的记录不在数据中（{2}）") \
	X(M_OTHER_VISIT_ID, 422, "other_visit", "{0}.visit_id: '{1}' is not the request's visit '{2}'", \
	  "{0}.visit_id：'{1}' 不是本请求的就诊 '{2}'") \
	X(M_DUPLICATE_LINE, 422, "duplicate_line", "{0}.line_id: '{1}' is also lines[{2}]", \
	  "{0}.line_id：'{1}' 与 lines[{2}] 重复") \
	X(M_DUPLICATE_RX, 422, "duplicate_line", "{0}: rx '{1}' line {2} is also prescriptions[{3}]", \
	  "{0}：处方 '{1}' 第 {2} 行与 prescriptions[{3}] 重复") \
	/* against the history (history.c) */ \
	X(M_UNKNOWN_PATIENT, 422, "unknown_patient", "visit.patient_id: not in patients.csv", \
	  "visit.patient_id：不在 patients.csv 中") \
	X(M_VISIT_OTHER_PATIENT, 422, "other_patient", "visit.visit_id: '{1}' is a visit of another patient", \
	  "visit.visit_id：'{1}' 是另一位患者的就诊") \
	X(M_CONFLICT, 409, "conflict", "visit.{1}: differs from the visit '{2}' already accepted", \
	  "visit.{1}：与已接收的就诊 '{2}' 不同") \
	X(M_LINE_OTHER_VISIT, 422, "other_visit", "{0}.line_id: '{1}' is a line of another visit", \
	  "{0}.line_id：'{1}' 是另一次就诊的费用明细") \
	X(M_LINE_OTHER_PATIENT, 422, "other_patient", "{0}.line_id: '{1}' is a line of another patient", \
	  "{0}.line_id：'{1}' 是另一位患者的费用明细") \
	X(M_UNKNOWN_ITEM, 422, "unknown_item", "{0}.item_code: '{1}' is not in the catalogue (items.csv)", \
	  "{0}.item_code：'{1}' 不在收费目录（items.csv）中") \
	X(M_UNKNOWN_DRUG, 422, "unknown_item", "{0}.drug_code: '{1}' is not in the catalogue (items.csv)", \
	  "{0}.drug_code：'{1}' 不在收费目录（items.csv）中") \
	X(M_BEFORE_WINDOW, 422, "outside_window", "{0}: before the served window (look-back of {1})", \
	  "{0}：早于服务的时间窗口（{1} 的回看期）") \
	X(M_AFTER_MONTH, 422, "outside_window", "{0}: after the served month {1} (restart the service with --month)", \
	  "{0}：晚于服务的月份 {1}（请用 --month 重启服务）") \
	/* the service and HTTP (service.c, http.c) */ \
	X(M_INTERNAL, 500, "internal", "internal error: {1}", "服务内部错误：{1}") \
	X(M_OUT_OF_MEMORY, 500, "internal", "out of memory", "服务内存不足") \
	X(M_TOO_LARGE, 413, "too_large", "the body is larger than {1} bytes", "请求体超过 {1} 字节") \
	X(M_UNAUTHORIZED, 401, "unauthorized", "a bearer token is needed (Authorization: Bearer TOKEN)", \
	  "需要持有者令牌（Authorization: Bearer TOKEN）") \
	X(M_FORBIDDEN, 403, "forbidden", "the token lacks the role this endpoint needs", "该令牌没有此端点所需的角色") \
	X(M_METHOD, 405, "method", "use {1}", "请使用 {1} 方法") \
	X(M_NOT_FOUND, 404, "not_found", "no such endpoint ({1})", "没有此端点（可用：{1}）") \
	X(M_TIMEOUT, 503, "timeout", "the check took longer than the service's limit (--request-timeout); nothing " \
	  "was stored: send it again", "审核超过服务的时限（--request-timeout）；未保存任何内容：请重新发送") \
	/* serving from PostgreSQL (journal_pg.c, serve --db) */ \
	X(M_DB_CONFLICT, 409, "conflict", "{0}: '{1}' is already in the database with other values (outside the served " \
	  "window, or loaded since the service started)", "{0}：'{1}' 已在数据库中且取值不同（在服务的时间窗口之外，或在服务启动后载入）") \
	X(M_DB_UNAVAILABLE, 503, "database_unavailable", "the database is unavailable, the claim was not accepted " \
	  "(send it again): {1}", "数据库不可用，本次结算未被接收（请重新发送）：{1}") \
	X(M_DB_LOADING, 503, "load_in_progress", "a load into the database is in progress, the claim was not accepted: " \
	  "send it again when the load is done", "数据库正在载入数据，本次结算未被接收：请在载入完成后重新发送") \
	X(M_DB_REFUSED, 422, "refused_by_database", "the database refused a row: {1}", "数据库拒绝了一行数据：{1}") \
	/* the service's own lines on standard error (http.c, service.c, tokens.c) */ \
	X(M_LOG_START, 0, NULL, "{1} claim lines of {2} patients loaded in {3} s; listening on {4}", \
	  "已载入 {2} 位患者的 {1} 条费用明细，用时 {3} 秒；正在监听 {4}") \
	X(M_LOG_STOPPING, 0, NULL, "{1}: finishing the requests in progress", "收到 {1}：处理完进行中的请求后停止") \
	X(M_LOG_STOPPED, 0, NULL, "stopped", "已停止") \
	X(M_LOG_BY, 0, NULL, " by {1}", " 令牌 {1}") \
	X(M_LOG_CLOSED_EARLY, 0, NULL, " (connection closed early)", "（连接提前关闭）") \
	X(M_LOG_MONTH, 0, NULL, "the served month judged on the history, its findings standing and the watch's counters " \
	  "rebuilt in {1} s", "已按历史审核服务月份，其既有结果与监控计数重建完毕，用时 {1} 秒") \
	X(M_LOG_TORN, 0, NULL, "journal: removed a torn record of {1} bytes left by a crash (never acknowledged)", \
	  "流水文件：已删除崩溃留下的 {1} 字节残缺记录（从未确认）") \
	X(M_TOKENS_LINE, 0, NULL, "{0}:{1}: expected 'sha256:<64 hex digits> ROLES [NAME]'", \
	  "{0}:{1}：应为 'sha256:<64 位十六进制> 角色 [名称]'") \
	X(M_TOKENS_HEX, 0, NULL, "{0}:{1}: the hash is not hexadecimal", "{0}:{1}：哈希值不是十六进制") \
	X(M_TOKENS_ROLES, 0, NULL, "{0}:{1}: roles are check, commit and watch, comma-separated", \
	  "{0}:{1}：角色只能是 check、commit、watch，以逗号分隔") \
	X(M_TOKENS_NONE, 0, NULL, "{0}: no token (one a line: sha256:HEX ROLES [NAME])", \
	  "{0}：没有令牌（每行一个：sha256:HEX 角色 [名称]）")

enum cw_serve_message {
#define CW_MSG_KEY(key, status, code, en, zh) key,
	CW_SERVE_MESSAGES(CW_MSG_KEY)
#undef CW_MSG_KEY
	CW_MSG_COUNT
};

/* A refusal of a request: HTTP status, stable code, the JSON path of the fault ("lines[2].qty", "" for
 * the whole body or the request line), and the message in each language. */
typedef struct cw_req_error {
	int status;
	const char *code;
	char path[96];
	char message[CW_MSG_LANGS][384];
	int msg; /* the enum cw_serve_message key */
} cw_req_error;

/* Fills *err with the message msg; args[0] is the path, args[1..n-1] the variable parts. Returns
 * CW_EINVALID. Called through cw_req_refuse, which checks at compile time that every part is a string. */
int cw_req_refuse_(cw_req_error *err, int msg, const char *const *args, size_t n);
#define cw_req_refuse(err, msg, ...)                                                            \
	cw_req_refuse_((err), (msg), (const char *const[]){ __VA_ARGS__ },                      \
	               sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *))

/* The message msg rendered into buf (size n) in lang, the args as cw_req_refuse's. Returns buf. */
const char *cw_msg_format_(char *buf, size_t n, int msg, int lang, const char *const *args, size_t nargs);
#define cw_msg_format(buf, n, msg, lang, ...)                                                   \
	cw_msg_format_((buf), (n), (msg), (lang), (const char *const[]){ __VA_ARGS__ },         \
	               sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *))

/* The table, for tests: a key's status, code (NULL for a log line) and template in a language. */
int cw_msg_status(int msg);
const char *cw_msg_code(int msg);
const char *cw_msg_template(int msg, int lang);

/* The error answer, {"error": {"status", "code", "path", "message"}}, in lang (malloc'd; NULL: no
 * memory). */
char *cw_req_error_json(const cw_req_error *e, int lang);

/* "zh" -> CW_MSG_ZH, "en" -> CW_MSG_EN, anything else (or NULL) -1; and back. */
int cw_msg_lang(const char *s);
const char *cw_msg_lang_code(int lang);

/* The language an Accept-Language header prefers among zh and en (zh, zh-CN, zh-Hant... and en,
 * en-US...: the one of the higher q-value, the first on a tie; q=0 refuses); -1 when it names
 * neither or is absent. */
int cw_msg_accept_language(const char *header);

/* The language of an answer, in order: the body's "lang" (body: "zh", "en" or NULL when the body did
 * not parse or gave none), the query's ?lang= (another value is passed over), the Accept-Language
 * header, and the service's --lang (fallback). */
int cw_msg_lang_choose(const char *body, const char *query, const char *accept_language, int fallback);

#endif
