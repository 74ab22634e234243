/* gen.h: the demo-data generator (`claimwatch gen`), internal interfaces.
 *
 * The generator writes the ten tables of the data contract for a range of
 * months plus truth.json, the answers: every fraud scheme it injected (cases)
 * and every hard look-alike that must not be flagged. It streams: one patient
 * at a time, each patient's whole history (visits, lines, prescriptions,
 * results) generated in time order and written at once, so memory does not
 * grow with the number of lines.
 *
 * The background is clean by construction: every line goes through
 * gen_add_line(), which keeps per-patient state (items billed today, the last
 * line and result of every item with a retest interval, stays and
 * admissions) and refuses a line that would break a rule of the detectors'
 * spec. Schemes bypass the checks on purpose, and record a truth case.
 *
 * Files: gen.c (driver), gen_catalog.c (items, bundles, diagnoses,
 * institutions, departments, physicians), gen_patients.c (patients and their
 * timelines), gen_care.c (visits, stays, lines, prescriptions, results),
 * gen_schemes.c (injection), gen_subst.c (substitution's injection), gen_stacked.c (stacked_supply's
 * injection), gen_death.c (deceased patients, phantom_service's after_death), gen_posrate.c
 * (low_positive_rate's departments), gen_fund.c (who pays what: classes, regions, the fund's and the
 * patient's part of each line), gen_truth.c (truth.json),
 * gen_out.c (CSV).
 */
#ifndef CW_GEN_H
#define CW_GEN_H

#include <stdint.h>
#include <stdio.h>
#include "claimwatch/common.h"
#include "claimwatch/dataset.h"
#include "claimwatch/types.h"

/* --- public entry (cli_gen.c, tests) ---------------------------------------- */
typedef struct cw_gen_opts {
	const char *out_dir;
	cw_month first, last; /* inclusive */
	double scale;         /* 1 = about 100,000 claim lines a month */
	uint64_t seed;
	int warmup_days;      /* background history before the first month (default 15) */
	int progress;         /* show progress on stderr */
} cw_gen_opts;

typedef struct cw_gen_stats {
	uint64_t institutions, departments, physicians, patients, items;
	uint64_t visits, lines, prescriptions, results;
	uint64_t cases, lookalikes;
	uint64_t lines_in_range; /* claim lines inside the months (not the warm-up) */
	double seconds;
} cw_gen_stats;

/* Claim lines a month at scale 1 (for --lines). */
#define CW_GEN_LINES_PER_SCALE 100000.0

void cw_gen_opts_init(cw_gen_opts *o);
int cw_gen_run(const cw_gen_opts *o, cw_gen_stats *stats);

/* --- random numbers: xoshiro256**, seeded with splitmix64 --------------------- */
typedef struct gen_rng {
	uint64_t s[4];
} gen_rng;

void gen_rng_seed(gen_rng *r, uint64_t seed, uint64_t stream);
static inline uint64_t gen_rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
static inline uint64_t gen_next(gen_rng *r)
{
	uint64_t *s = r->s, out = gen_rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = gen_rotl(s[3], 45);
	return out;
}
/* Uniform in [0, 1). */
static inline double gen_unif(gen_rng *r) { return (double)(gen_next(r) >> 11) * 0x1.0p-53; }
/* Uniform integer in [lo, hi]. */
static inline int gen_int(gen_rng *r, int lo, int hi)
{
	return hi <= lo ? lo : lo + (int)(gen_next(r) % (uint64_t)(hi - lo + 1));
}
static inline int gen_chance(gen_rng *r, double p) { return gen_unif(r) < p; }
double gen_normal(gen_rng *r);
/* Log-normal with the given median, sigma, truncated to +-2.5 sigma. */
double gen_lognormal(gen_rng *r, double median, double sigma);
/* Exponential with the given mean. */
double gen_exp(gen_rng *r, double mean);
/* An index drawn with weights w[0..n). */
int gen_pick(gen_rng *r, const double *w, int n);

/* --- the catalogue -------------------------------------------------------------- */
enum { GI_DUP = 1, GI_REFUND = 2, GI_FILLER = 4 }; /* safe to duplicate / refund / pad costs */

typedef struct gen_item {
	const char *code, *name, *unit;
	int cat;        /* enum cw_category */
	cw_fen price;   /* std_price */
	int large, retest, abx;
	int maxq;       /* max daily units, 0 none */
	int sex;        /* CW_SEX_NONE, CW_SEX_M, CW_SEX_F */
	int age_min, age_max; /* -1 none */
	int min_level, setting;
	int flags;
	/* derived at init */
	int bundle;     /* the bundle this item is a component of, -1 */
	int ncomp;      /* components when it is a bundle */
	int comp[8];
	int slot;       /* retest slot, -1 */
} gen_item;

/* A list of orders: item, probability, most units. */
#define GEN_LIST_MAX 16
typedef struct gen_list {
	int n;
	int item[GEN_LIST_MAX];
	float p[GEN_LIST_MAX];
	int q[GEN_LIST_MAX];
} gen_list;

enum { K_OP = 1, K_ER = 2, K_IP = 4 };
enum { DX_CHRONIC = 1, DX_INFECT = 2, DX_PLANNED = 4, DX_EASY = 8, DX_SURGICAL = 16, DX_COSTLY = 32 };

typedef struct gen_dx {
	const char *code, *name, *spec_key;
	int kinds, sex, age_lo, age_hi;
	double w, los;  /* relative frequency; mean length of stay (days) */
	int flags;
	double p_abx;   /* chance a prescription (OP/ER) or stay (IP) has an antibiotic */
	const char *labs_s, *exams_s, *drugs_s, *abx_s, *treats_s, *surg_s;
	/* derived */
	int spec;
	char cat[4];    /* ICD-10 category: first 3 characters */
	char *name_csv; /* dx_name escaped for CSV */
	gen_list labs, exams, drugs, abx, treats, surg;
} gen_dx;

typedef struct gen_spec {
	const char *key, *zh, *abbr;
	int levels;  /* bit (1 << level) when institutions of that level have it */
	double op_w; /* share of acute outpatient demand */
	int ward;    /* has beds */
} gen_spec;

/* How much longer a length-of-stay role keeps its patients: well beyond the
 * peers' spread even at the detector's minimum of 10 stays. */
#define GEN_LOS_FACTOR 2.3

enum gen_role {
	R_NONE, R_BAD, R_OUT_COST, R_OUT_LARGE, R_OUT_LOS, R_LOWPOS, R_ABX_OP, R_ABX_ER, /* schemes */
	R_CASEMIX, R_ER35, R_RARE_COSTLY                                             /* look-alikes */
};

typedef struct gen_inst {
	char id[16];
	char name[96];
	int level;
	int dept0, ndept;
} gen_inst;

typedef struct gen_dept {
	char id[24];
	const char *name;
	int inst, spec;
	int phys0, nphys;
} gen_dept;

typedef struct gen_phys {
	char id[16];
	char name[32];
	const char *title;
	int inst, dept, spec, level;
	double w;       /* share of the department's patients */
	int ward;       /* attends stays */
	double s_cost, s_exam, s_large, s_los, s_abx, pos; /* style */
	int role;
	uint32_t active; /* bit m: the role acts in month m of the range */
} gen_phys;

enum { GW_ABX_OP, GW_ABX_ER, GW_ABX_IP, GW_POS, GW_COUNT };

/* --- truth ----------------------------------------------------------------------- */
/* The detectors gen plants cases and look-alikes for, by name, in the order truth.json lists them within
 * a month: gen's own scheme table. Each must be a built-in detector (tests/unit/test_agreement.c).
 * NULL-terminated. */
extern const char *const gen_detectors[];
/* The index of a name in gen_detectors; a name not in it is a bug of gen: abort(). */
int gen_detector_index(const char *name);

typedef struct gen_case {
	int look;        /* 1: a look-alike */
	int det;         /* in gen_detectors */
	const char *kind;
	int month;       /* index in the range */
	int phys;        /* -1 none */
	uint64_t pat, visit; /* 0 none */
	uint32_t line0, nlines; /* into the truth's line-id pool */
	cw_fen suspect;
	char note[120];
	int dept1;       /* a department-level case (gen_drugshare.c): its department + 1; 0 none */
} gen_case;

typedef struct gen_truth {
	gen_case *c;
	size_t n, cap;
	uint64_t *ids;
	size_t nids, capids;
	size_t ncases, nlook;
} gen_truth;

/* --- buffered CSV output ------------------------------------------------------- */
typedef struct gen_out {
	FILE *f;
	char *buf;
	size_t len, cap;
	int failed;
	char path[1024];
} gen_out;

int gen_out_open(gen_out *o, const char *dir, const char *name, const char *header);
int gen_out_close(gen_out *o);
void gen_out_flush(gen_out *o);
static inline void gen_out_reserve(gen_out *o, size_t n)
{
	if (o->len + n > o->cap)
		gen_out_flush(o);
}
void gen_put(gen_out *o, const char *s);
void gen_put_csv(gen_out *o, const char *s); /* quoted when needed */
void gen_put_char(gen_out *o, char c);
void gen_put_u64(gen_out *o, const char *prefix, uint64_t v, int width);
void gen_put_money(gen_out *o, cw_fen v);
void gen_put_qty(gen_out *o, cw_qty v);
void gen_put_time(gen_out *o, cw_minute t);
void gen_put_date(gen_out *o, cw_day d);
char *gen_csv_escape(const char *s); /* malloc'd */

/* --- the generator's state ---------------------------------------------------------- */
enum { F_INST, F_DEPT, F_PHYS, F_PAT, F_ITEMS, F_BUNDLES, F_VISITS, F_LINES, F_RX, F_RESULTS, F_COUNT };

typedef struct gen_line {
	uint64_t id;
	int item;
	cw_minute t;
	cw_qty qty;
	cw_fen unit, amount;
	int phys;      /* ordering physician written in the file, or -1 (empty) */
	uint8_t result; /* enum cw_result */
	const char *code; /* written instead of the item's code, or NULL: gen_selfitem.c's invented codes */
} gen_line;

#define GEN_RX_MAX 10
#define GEN_SUP_MAX 64
typedef struct gen_rx {
	uint64_t id;
	cw_minute t;
	int n;
	int drug[GEN_RX_MAX], days[GEN_RX_MAX];
	cw_qty qty[GEN_RX_MAX];
	cw_fen amount[GEN_RX_MAX];
	int line[GEN_RX_MAX]; /* index of the claim line in the visit */
} gen_rx;

typedef struct gen_visit {
	uint64_t id;
	int inst, dept, phys, kind, dx;
	cw_minute admit, discharge; /* CW_MINUTE_NONE: open */
	gen_line *l;
	size_t nl, capl;
	gen_rx *rx;
	size_t nrx, caprx;
	int longer;    /* a stay lengthened by an R_OUT_LOS role */
} gen_visit;

#define GEN_LEDGER_WORDS 8 /* items billed today: up to 512 items */

typedef struct gen_pat {
	uint64_t num;
	int sex;
	cw_day birth;      /* CW_DAY_NONE when unknown */
	int profile;
	int home1, home23; /* home institutions (level 1, level 2/3) */
	gen_rng rng;
	/* retest state per slot */
	cw_minute *rt_time;
	uint64_t *rt_line;
	uint8_t *rt_pos;
	uint8_t *rt_truth; /* the slot's last line is in a repeat_test case or look-alike */
	/* items billed today */
	cw_day led_day;
	uint64_t led[GEN_LEDGER_WORDS];
	/* stays */
	cw_minute last_discharge; /* CW_MINUTE_NONE: none yet */
	int last_ip_inst, last_ip_dx, last_ip_phys;
	uint64_t last_ip_visit;
	cw_day free_day;   /* first day a new event may start */
	int open_stay;     /* the last stay is still open at the end of the range */
	/* gen_stacked.c: the outpatient and emergency supplies still covering a day (drug, first day, end) */
	int nsup;
	struct { int drug; cw_day day, end; } sup[GEN_SUP_MAX];
} gen_pat;

typedef struct gen_ctx {
	cw_gen_opts o;
	gen_rng rng;      /* setup only; patients have their own */
	int nmonths;
	cw_minute range_start, range_end, gen_start;
	cw_day day_start, day_end; /* range as days */
	cw_minute *month_start; /* nmonths + 1 */
	/* catalogue */
	gen_item *items;
	int nitems, nslots;
	gen_dx *dx;
	int ndx;
	const gen_spec *spec;
	int nspec;
	gen_inst *inst;
	int ninst;
	gen_dept *dept;
	int ndept;
	gen_phys *phys;
	int nphys;
	uint32_t *weyl;   /* nphys x (nmonths + 1) x GW_COUNT counters */
	/* ids */
	uint64_t next_visit, next_line, next_rx, npat;
	/* output */
	gen_out out[F_COUNT];
	gen_truth truth;
	cw_gen_stats st;
	/* scheme rates, per opportunity */
	double rate_scale;
	/* index of well-known items, by code */
	int it_consult_op[3], it_consult_er, it_consult_ip, it_reg, it_bed[3], it_nurse[4];
	int it_iv, it_infusion_set, it_ns, it_glucose5, it_cbc, it_ecg, it_syringe, it_dressing;
	int it_albumin, it_ob_us, it_tuina_child, it_dxa, it_vaginal, it_prostate, it_hbo, it_capsule;
	int it_child_granule, it_nebul, it_physio, it_im, it_oxygen, it_monitor, it_debride;
	int it_cefazolin, it_amoxicillin, it_cefuroxime, it_azithro;
	/* the lines of the visit flushed last (for look-alikes that span visits) */
	uint64_t last_ids[32];
	int nlast;
	uint64_t last_visit;
	/* per physician and month (nphys x nmonths): volumes that decide physician-level truth */
	struct gen_pm *pm;
	int stat_roles; /* the scale gives physicians enough volume for the statistical detectors */
	struct gen_posrate *posrate; /* gen_posrate.c's departments and counts */
	struct gen_drugshare *drugshare; /* gen_drugshare.c: the month's revenue and drugs per department, physician */
	struct gen_fund *fund; /* gen_fund.c: the items' classes and essential flags */
	int bad_inst[2], nbad_inst; /* gen_badinst.c: the bad institutions */
} gen_ctx;

typedef struct gen_pm {
	uint32_t op_visits, er_visits, stays_out, stays_in;
	uint32_t stays_long; /* stays discharged in the month that the length-of-stay role lengthened */
	uint32_t large_pos, large_neg;
	uint32_t rx_op, rx_op_abx, rx_er, rx_er_abx;
} gen_pm;

/* gen_catalog.c */
int gen_catalog_init(gen_ctx *g);
int gen_org_init(gen_ctx *g); /* institutions, departments, physicians, roles */
int gen_catalog_write(gen_ctx *g);
void gen_catalog_free(gen_ctx *g);
int gen_item_find(const gen_ctx *g, const char *code);
int gen_dx_find(const gen_ctx *g, const char *code);
int gen_spec_find(const gen_ctx *g, const char *key);
/* The department of specialty spec at institution inst, or -1. */
int gen_dept_of(const gen_ctx *g, int inst, int spec);

/* gen_patients.c */
int gen_patients_run(gen_ctx *g);
/* A new patient's history: no earlier test, ledger, stay or discharge. */
void gen_pat_clear_history(const gen_ctx *g, gen_pat *p);

/* gen_care.c */
enum { ADD_CHECK = 0, ADD_FORCE = 1 };
void gen_visit_begin(gen_ctx *g, gen_visit *v, int inst, int dept, int phys, int kind, int dx, cw_minute admit);
void gen_visit_flush(gen_ctx *g, gen_pat *p, gen_visit *v);
void gen_visit_free(gen_visit *v);
/* Adds a line; with ADD_CHECK returns -1 when the line would break a rule. */
int gen_add_line(gen_ctx *g, gen_pat *p, gen_visit *v, int item, cw_minute t, cw_qty qty, int mode);
int gen_can_bill(gen_ctx *g, gen_pat *p, gen_visit *v, int item, cw_minute t, cw_qty qty);
void gen_set_result(gen_ctx *g, gen_pat *p, gen_visit *v, int line, int result);
cw_fen gen_unit_price(const gen_ctx *g, int item, int inst);
/* Adds a prescription with its drug claim lines; returns its index or -1. */
int gen_add_rx(gen_ctx *g, gen_pat *p, gen_visit *v, cw_minute t, const int *drug, const int *days,
               const cw_qty *qty, int n, int mode);
cw_fen gen_rx_amount(const gen_visit *v, int rx);
int gen_age(const gen_pat *p, cw_minute t);
void gen_ledger_day(gen_pat *p, cw_day d);
int gen_ledger_has(const gen_pat *p, int item);
int gen_month_of(const gen_ctx *g, cw_minute t); /* index in the range, -1 outside */
int gen_in_range(const gen_ctx *g, cw_minute t);
/* An outpatient or emergency visit: fills v, returns 0 (the caller flushes). */
void gen_op_visit(gen_ctx *g, gen_pat *p, gen_visit *v, int inst, int dept, int phys, int kind, int dx,
                  cw_minute t0);
/* An inpatient stay from admit; los in days; returns the discharge time (or NONE when open). */
typedef struct gen_stay_plan {
	int inst, dept, phys, dx;
	cw_minute admit;
	int los;           /* days from admit day to discharge day (>= 1) */
	int longer;        /* lengthened by the attending's length-of-stay role */
	int idle_from, idle_len;   /* scheme: a run of days without care (len 0: none) */
	int quiet_from, quiet_len; /* look-alike: one or two quiet days */
	int seen_day, seen_inst;   /* scheme: a visit elsewhere on that day offset (0: none) */
	int easy;          /* unwarranted admission: cheap care, no surgery, no exams */
	int heavy;         /* unwarranted admission with heavy care (小病大治): an admission panel of labs,
	                    * injections, monitoring and treatments every day, no surgery, no antibiotic */
	int ua_look;       /* UA_*: an unwarranted_admission look-alike (no other scheme on it) */
	int ua_surg;       /* UA_SURGERY: the surgery item billed on the admission day */
	int rt_kind;       /* repeat test inside the stay: RT_* */
	int extra_cost;    /* outlier: extra care every day */
	int case_kind;     /* CK_*: a readmission scheme or look-alike (no other scheme on it) */
	int ph_kind;       /* PH_*: a phantom_service scheme or look-alike */
	cw_day ph_busy;    /* the patient has no other event before this day (lines billed after the stay) */
	/* outputs */
	int open;          /* still open at the end of the range */
	cw_minute discharge;
	uint64_t rt_l1, rt_l2;
	cw_minute rt_t2;
	int rt_item;
	uint64_t seen_visit;
	int seen_phys, nseen;
	uint64_t seen_ids[24];
	cw_minute seen_t;
	int seen_care;     /* care lines of the visit elsewhere */
} gen_stay_plan;
enum { RT_NONE, RT_SCHEME, RT_EXACT, RT_EXACT_PLUS1, RT_AFTER_POSITIVE };
enum { CK_NONE, CK_SPLIT, CK_OTHER_COND, CK_OTHER_HOSP, CK_PLANNED };
/* phantom_service: bed days billed after the discharge or before the admission, the discharge day billed
 * too, a card swiped elsewhere with no care (schemes); the last night's bed posted late on the discharge
 * day, a lab on the admission day before the admission hour (look-alikes) */
enum { PH_NONE, PH_AFTER, PH_BEFORE, PH_DISCHARGE_DAY, PH_SWIPE, PH_LOOK_LATE_POST, PH_LOOK_EARLY_LAB };
/* unwarranted_admission look-alikes: a short stay with a surgery, a short stay for a diagnosis outpatient
 * care does not handle, a stay one day longer than the detector's max_days (3). */
enum { UA_NONE, UA_SURGERY, UA_OTHER_DX, UA_FOUR_DAYS };
void gen_stay(gen_ctx *g, gen_pat *p, gen_visit *v, gen_stay_plan *sp);
int gen_choose_phys(gen_ctx *g, gen_pat *p, int dept, int dx, int kind);
/* Weyl sequence in [0, 1) per physician, month and purpose: low-discrepancy rates. */
double gen_weyl(gen_ctx *g, int phys, cw_minute t, int which);

/* gen_schemes.c */
void gen_roles_assign(gen_ctx *g);
double gen_rate(const gen_ctx *g, int phys);
/* Visit-level schemes on an outpatient or emergency visit (before flush). */
void gen_schemes_visit(gen_ctx *g, gen_pat *p, gen_visit *v);
/* A line billed again within its retest interval after a positive result (look-alike). */
void gen_note_after_positive(gen_ctx *g, gen_pat *p, gen_visit *v, int line, uint64_t prev, int prev_truth);
/* Stay-level schemes decided on a planned stay. */
void gen_schemes_stay_plan(gen_ctx *g, gen_pat *p, gen_stay_plan *sp);
void gen_schemes_stay_done(gen_ctx *g, gen_pat *p, gen_visit *v, const gen_stay_plan *sp);
/* After a stay: 1 when a readmission (scheme or look-alike) follows, with its kind, diagnosis and place. */
int gen_schemes_readmit(gen_ctx *g, gen_pat *p, const gen_stay_plan *a, int *kind, int *dx, int *inst);
/* An emergency visit (the last flushed) followed by an admission the same day: a look-alike. */
void gen_schemes_note_er_admit(gen_ctx *g, gen_pat *p, int inst, int dx, cw_minute admit);
/* Physician-level truth (outliers, rates, bad physicians), after the patients. */
void gen_schemes_physician_truth(gen_ctx *g);
/* Records a line-level truth entry for lines of v. */
void gen_case_lines(gen_ctx *g, int look, const char *det, const char *kind, int phys, uint64_t pat, uint64_t visit,
                    const uint64_t *ids, int nids, cw_fen suspect, cw_minute when, const char *fmt, ...)
	CW_PRINTF(12, 13);

/* gen_subst.c: substitution's schemes and look-alikes on a visit or a stay, after the other schemes
 * (before flush); a random stream of their own */
void gen_subst_visit(gen_ctx *g, gen_pat *p, gen_visit *v);
void gen_subst_stay(gen_ctx *g, gen_pat *p, gen_visit *v, const gen_stay_plan *sp);

/* gen_stacked.c: stacked_supply's schemes and look-alikes on an outpatient or emergency visit, after
 * substitution's (before flush); a random stream of their own */
void gen_stacked_visit(gen_ctx *g, gen_pat *p, gen_visit *v);

/* gen_posrate.c: low_positive_rate's planted departments and look-alikes (patterned results in chosen
 * departments), and its truth from the exact counts of every department and their physicians */
int gen_posrate_init(gen_ctx *g); /* after the roles */
void gen_posrate_free(gen_ctx *g);
/* Line idx of v was added: pins the patient's patterned lines it repeats within their interval, and
 * keeps it when the pattern sets its result. */
void gen_posrate_line(gen_ctx *g, const gen_visit *v, int idx);
/* At flush, for a line with a result: 1 when its result is written at the patient's end (patterned). */
int gen_posrate_defer(gen_ctx *g, const gen_visit *v, const gen_line *l);
/* After the patient's history: decides and writes the patterned lines' results. */
void gen_posrate_patient_end(gen_ctx *g);
void gen_posrate_truth(gen_ctx *g); /* after the patients */
/* gen_selfitem.c: self_created_item's schemes (a code outside the catalogue) and look-alikes (a local
 * catalogue item) on an outpatient visit or a stay, after every other planting (before flush); a random
 * stream and line ids of their own. gen_selfitem_init checks the catalogue after gen_catalog_init. */
int gen_selfitem_init(gen_ctx *g);
void gen_selfitem_visit(gen_ctx *g, gen_pat *p, gen_visit *v);

/* gen_badinst.c: one or two bad institutions (after the organisation), whose visits and stays get
 * markedly more over_price schemes (before self_created_item's planting); a random stream of their own */
void gen_badinst_init(gen_ctx *g);
int gen_badinst_is(const gen_ctx *g, int inst);
void gen_badinst_visit(gen_ctx *g, gen_pat *p, gen_visit *v);

/* gen_drugshare.c: drug_share's demo targets (DIR/rules.json) and its cases and look-alikes. Every visit's
 * lines are counted as they are written (gen_visit_flush); after the patients, the targets are chosen and
 * the truth recorded. The data are left as they are: the plantings are the targets (see the file). */
void gen_drugshare_visit(gen_ctx *g, const gen_visit *v);
int gen_drugshare_finish(gen_ctx *g);
void gen_drugshare_free(gen_ctx *g);
/* A department's revenue in month m of the range (its visits' lines, refunds netted), 0 when unknown. */
cw_fen gen_drugshare_revenue(const gen_ctx *g, int dept, int m);

/* gen_budget.c: DIR/budgets.csv, a global budget per institution and year of the range (document 004),
 * from the institutions' revenue, on a stream of its own (the other files stay byte-identical). */
int gen_budget_write(gen_ctx *g);

/* gen_fund.c: data contract 2 (issue 14): the items' catalogue_class and essential, the institutions'
 * region, each claim line's fund_amount and self_amount (by class, visit kind and level), from a random
 * stream of its own. The *_cells functions write ",value..." after a row's last contract-1 column. */
int gen_fund_init(gen_ctx *g);
void gen_fund_free(gen_ctx *g);
void gen_fund_item_cells(gen_out *o, const gen_ctx *g, int item);
void gen_fund_inst_cells(gen_out *o, const gen_ctx *g, int inst);
void gen_fund_line_parts(cw_fen *fund, cw_fen *self_pay, const gen_ctx *g, const gen_visit *v, const gen_line *l);
void gen_fund_line_cells(gen_out *o, const gen_ctx *g, const gen_visit *v, const gen_line *l);

/* gen_death.c: phantom_service's after_death cases and look-alikes: deceased patients numbered after the
 * others (p: the patients' scratch, reused), after them; a random stream of their own */
void gen_death_run(gen_ctx *g, gen_pat *p);

/* gen_truth.c */
gen_case *gen_truth_add(gen_truth *t, int look);
int gen_truth_add_ids(gen_truth *t, gen_case *c, const uint64_t *ids, int n);
int gen_truth_write(gen_ctx *g);
void gen_truth_free(gen_truth *t);

/* Formats a patient / visit / line id into buf (>= 24 bytes). */
char *gen_pat_id(uint64_t n, char *buf);
char *gen_visit_id(uint64_t n, char *buf);
char *gen_line_id(uint64_t n, char *buf);

#endif
