/* report_labels.h: every fixed word of the report and of `claimwatch case`, in English and Chinese.
 *
 * One X-macro list: the key, the English text, the Chinese text. report_i18n.c
 * builds the table from it; the enum below gives the keys. Numbers never go
 * through here: both languages show the same figures. */
#ifndef CW_REPORT_LABELS_H
#define CW_REPORT_LABELS_H

#define CW_LABELS(X) \
	X(L_REPORT_TITLE, "Monthly claims review", "医疗费用月度审核报告") \
	X(L_SUMMARY, "Summary", "概要") \
	X(L_RANKING, "Ranking", "排名") \
	X(L_CHARTS, "Charts", "图表") \
	X(L_INDICATORS, "Indicators", "考核指标") \
	X(L_PHYSICIAN, "Physician", "医师") \
	X(L_PHYSICIANS, "Physicians", "医师") \
	X(L_NAME, "Name", "姓名") \
	X(L_TITLE, "Title", "职称") \
	X(L_SPECIALTY, "Specialty", "专科") \
	X(L_INSTITUTION, "Institution", "医疗机构") \
	X(L_DEPARTMENT, "Department", "科室") \
	X(L_LEVEL, "Level", "等级") \
	X(L_MONTH, "Month", "月份") \
	X(L_CYCLE, "Cycle", "考核周期") \
	X(L_DATA_SCANNED, "Data scanned", "扫描数据") \
	X(L_CLAIM_LINES, "Claim lines of the month", "本月费用明细") \
	X(L_CLAIM_LINES_WINDOW, "with the look-back window", "含回溯期") \
	X(L_VISITS_LOADED, "Visits", "就诊记录") \
	X(L_PATIENTS, "Patients", "患者") \
	X(L_TABLE, "Table", "数据表") \
	X(L_ROWS_READ, "Rows read", "读取行数") \
	X(L_ROWS_LOADED, "Loaded", "载入") \
	X(L_ROWS_OUTSIDE, "Outside the window", "窗口外") \
	X(L_ROWS_REJECTED, "Rejected", "拒收") \
	X(L_REJECT_SHARE, "Share of the month's rows rejected", "本月数据拒收比例") \
	X(L_FINDINGS, "Findings", "疑点") \
	X(L_FINDING, "Finding", "疑点") \
	X(L_SUSPECT, "Money at stake", "涉及金额") \
	X(L_ESTIMATES, "of which peer-comparison estimates", "其中同行比较估算") \
	X(L_BY_DETECTOR, "Findings by detector", "按审核规则") \
	X(L_BY_DIMENSION, "Findings by dimension", "按合理性维度") \
	X(L_DETECTOR, "Detector", "审核规则") \
	X(L_DIMENSION, "Dimension", "维度") \
	X(L_RULE, "Rule", "规则") \
	X(L_GRADES, "Grades", "评价分布") \
	X(L_SANCTIONS_DUE, "Sanctions due this month", "本月应予处理") \
	X(L_NO_SANCTIONS, "No sanction is due this month.", "本月无应予处理的医师。") \
	X(L_SANCTION_LEVEL, "Level", "处理等级") \
	X(L_MEASURES, "Measures", "处理措施") \
	X(L_SINGLE_FIRSTS, "Single firsts", "单项第一") \
	X(L_COMPOSITE_FIRSTS, "Composite firsts", "综合第一") \
	X(L_MONTHS_FLAGGED, "Months counted", "计入月份") \
	X(L_FIRSTS, "Ranked first this month", "本月排名第一") \
	X(L_FIRSTS_NOTE, "Rank 1 within each ranking scope; a month counts toward sanctions when the composite grade is also the lowest.", \
	  "各排名范围内第一名；综合评价同时为最低等级时计入处理。") \
	X(L_RANK, "Rank", "名次") \
	X(L_OF, "of", "/") \
	X(L_SCORE, "Score", "得分") \
	X(L_GRADE, "Grade", "评价") \
	X(L_VISITS, "Visits", "诊疗人次") \
	X(L_BILLED, "Billed", "医疗费用") \
	X(L_MONEY_SHARE, "At stake / billed", "涉及金额占比") \
	X(L_PER_100, "Findings per 100 visits", "每百人次疑点") \
	X(L_OUTLIER, "Outlier severity", "离群程度") \
	X(L_STATUS, "Status", "状态") \
	X(L_RANKED, "ranked", "参与排名") \
	X(L_NO_PROBLEMS, "no problems", "未发现问题") \
	X(L_TOO_FEW, "too few cases", "病例数不足") \
	X(L_RANKED_FEW, "ranked, too few cases", "参与排名(病例数不足)") \
	X(L_SEARCH, "Search", "搜索") \
	X(L_ALL, "all", "全部") \
	X(L_DOWNLOAD_CSV, "Download CSV (Excel)", "下载 CSV（Excel）") \
	X(L_ROWS_SHOWN, "rows shown", "行") \
	X(L_PREV_MONTH, "Last month", "上月") \
	X(L_TREND, "Trend in the cycle", "本周期趋势") \
	X(L_PAGE, "Page", "页") \
	X(L_NEXT_PAGE, "Next page", "下一页") \
	X(L_PREV_PAGE, "Previous page", "上一页") \
	X(L_PATIENT, "Patient", "患者") \
	X(L_VISIT, "Visit", "就诊") \
	X(L_SEVERITY, "Severity", "性质") \
	X(L_REASON, "Reason", "疑点说明") \
	X(L_EVIDENCE, "Evidence claim lines", "证据费用明细") \
	X(L_EVIDENCE_NONE, "No claim line: a finding on the physician's figures against peers.", "无费用明细：医师指标与同行比较的疑点。") \
	X(L_CONTINUED, "continued", "续") \
	X(L_LINE, "Line", "明细号") \
	X(L_ITEM, "Item", "项目") \
	X(L_TIME, "Time", "时间") \
	X(L_QTY, "Quantity", "数量") \
	X(L_UNIT, "Unit", "单位") \
	X(L_UNIT_PRICE, "Unit price", "单价") \
	X(L_AMOUNT, "Amount", "金额") \
	X(L_CATEGORY, "Category", "类别") \
	X(L_STD_PRICE, "Price ceiling", "限价") \
	X(L_REFUNDED, "refunded", "已退费") \
	X(L_REFUND, "refund", "退费") \
	X(L_REVIEW, "Review", "复核") \
	X(L_CONFIRMED, "confirmed", "已确认") \
	X(L_DISMISSED, "dismissed", "已排除") \
	X(L_RECTIFIED, "rectified", "已整改") \
	X(L_RETURNED, "refunded to the fund", "已退回") \
	X(L_APPEALED, "under appeal", "申诉中") \
	X(L_STRENGTH, "Strength", "强度") \
	X(L_METRIC, "Metric", "指标") \
	X(L_VALUE, "Value", "实际值") \
	X(L_EXPECTED, "Expected", "期望值") \
	X(L_LIMIT, "Upper control limit", "控制上限") \
	X(L_VOLUME, "Volume", "例数") \
	X(L_PEERS, "Peers", "同行") \
	X(L_PEER_GROUP, "Peer group", "同行组") \
	X(L_PEER_MEAN, "Peers' mean", "同行平均") \
	X(L_FLAGGED, "flagged", "超出控制限") \
	X(L_NOT_JUDGED, "not judged", "未评价") \
	X(L_LOW_VOLUME, "too few cases", "例数不足") \
	X(L_FEW_PEERS, "too few peers", "同行不足") \
	X(L_JUDGED, "judged", "已评价") \
	X(L_Z, "z", "z 值") \
	X(L_UNIT_VISITS, "visits", "人次") \
	X(L_UNIT_STAYS, "stays", "出院人次") \
	X(L_UNIT_RX, "prescriptions", "处方数") \
	X(L_ALL_GROUPS, "All peer groups", "全部同行组") \
	X(L_ALL_LEVELS, "all levels", "各级合并") \
	X(L_LEVEL_N, "level", "级") \
	X(L_GROUPS, "peer groups", "个同行组") \
	X(L_METRICS, "Metrics against peers", "与同行比较") \
	X(L_SCORES, "Scores", "得分") \
	X(L_DRUG_SHARE, "Drug share of revenue", "药占比") \
	X(L_TARGET, "Target", "控制目标") \
	X(L_REVENUE, "Revenue", "医疗收入") \
	X(L_DRUG_REVENUE, "Drug revenue", "药品收入") \
	X(L_OP_VISITS, "Outpatient visits", "门急诊人次") \
	X(L_COST_PER_VISIT, "Cost per outpatient visit", "次均门诊费用") \
	X(L_IP_STAYS, "Inpatient stays", "出院人次") \
	X(L_COST_PER_STAY, "Cost per inpatient stay", "次均住院费用") \
	X(L_GROWTH, "Growth", "环比") \
	X(L_ABOVE_TARGET, "above target", "超过控制目标") \
	X(L_YTD_SHARE, "Drug share, year to date", "年初至今药占比") \
	X(L_LY_SHARE, "Last year, same months", "去年同期药占比") \
	X(L_YOY_CHANGE, "Change on last year (red: less than the cut asked, E8)", "同比变化（红色：下调未达要求）") \
	X(L_INDICATORS_NOTE, "Revenue: the month's claim lines, net of refunds. Outpatient: outpatient and emergency visits admitted in the month. Inpatient: stays discharged in the month, with their lines in the loaded window.", \
	  "医疗收入：本月费用明细（扣除退费）。门急诊：本月就诊的门诊、急诊。住院：本月出院的住院，费用为载入期间的全部明细。") \
	X(L_PREV_SOURCE, "Last month's figures", "上月数据来源") \
	X(L_POSRATE, "Large-equipment positive rate", "大型设备检查阳性率") \
	X(L_EQUIPMENT, "Equipment", "设备检查项目") \
	X(L_RESULTED, "Resulted exams", "有结果检查数") \
	X(L_POSITIVE, "Positive", "阳性数") \
	X(L_POSITIVE_RATE, "Positive rate", "阳性率") \
	X(L_FLOOR, "Floor", "下限") \
	X(L_PAY_PATIENTS, "Patients", "就诊人数") \
	X(L_VISITS_PER_PATIENT, "Visits per patient", "人次人头比") \
	X(L_MATERIAL_SHARE, "Material share", "耗材占比") \
	X(L_FUND_PAID, "Fund paid", "统筹基金支付") \
	X(L_SELF_PAY_SHARE, "Self-pay share", "个人自付比例") \
	X(L_OUT_OF_SCOPE_SHARE, "Out-of-scope share", "自费（超范围）比例") \
	X(L_ESSENTIAL_SHARE, "Essential-drug share", "基本药物占比") \
	X(L_ESTIMATED_MARK, "(estimated: some lines do not say what the fund paid; fund.estimated_share used)", \
	  "（估算：部分明细未给出基金支付，按 fund.estimated_share 估算）") \
	X(L_POSRATE_NOTE, "The month's large-equipment exams with a positive or negative result, by the visit's institution and department and by equipment type; a rate below the floor of low_positive_rate (B1) is marked.", \
	  "本月有阳性或阴性结果的大型设备检查，按就诊机构、科室及检查项目统计；低于大型设备检查阳性率下限（B1）的标红。") \
	X(L_SPREAD, "Spread of composite scores per institution", "各机构医师综合得分分布") \
	X(L_FUNNEL, "Funnel plots", "漏斗图") \
	X(L_FUNNEL_NOTE, "Each dot is a physician; the curves are the peers' control limits. Dots above the upper curve are flagged and labelled.", \
	  "每个点代表一名医师；曲线为同行控制限，高于上控制限的点为异常并标注。") \
	X(L_NO_METRICS, "No peer comparison this month.", "本月无同行比较数据。") \
	X(L_WARNINGS, "Warnings", "警告") \
	X(L_COMPOSITE, "Composite", "综合") \
	X(L_PSEUDONYMS, "Patient ids are shown as keyed pseudonyms.", "患者编号以密钥散列假名显示。") \
	X(L_REVEALED, "Patient ids are shown in clear (--reveal-patients).", "患者编号以原值显示（--reveal-patients）。") \
	X(L_NONE, "none", "无") \
	X(L_LOOKBACK, "look-back", "回溯期数据") \
	X(L_SCOPE, "Ranking scope", "排名范围") \
	X(L_SCOPE_GROUP, "Ranked within", "排名组") \
	X(L_SCOPE_INSTITUTION, "within each institution", "机构内排名") \
	X(L_SCOPE_SPECIALTY, "within each specialty", "专科内排名") \
	X(L_SCOPE_ALL, "all physicians together", "全部医师统一排名") \
	X(L_PHYSICIANS_SCORED, "Physicians scored", "参与评分医师") \
	X(L_PHYSICIANS_RANKED, "ranked", "参与排名") \
	X(L_GENERATED, "Generated by claimwatch", "由 claimwatch 生成") \
	X(L_DETAIL, "Details", "详情") \
	X(L_BACK, "Back to the ranking", "返回排名") \
	X(L_MORE_FINDINGS, "More findings on the next pages", "后续页还有疑点") \
	X(L_SUMMARY_FINDINGS, "findings", "条疑点") \
	X(L_SEVERITY_VIOLATION, "violation", "违规") \
	X(L_SEVERITY_SUSPICIOUS, "suspicious", "可疑") \
	X(L_SEVERITY_NOTICE, "notice", "提示") \
	X(L_OUTPATIENT, "outpatient", "门诊") \
	X(L_EMERGENCY, "emergency", "急诊") \
	X(L_INPATIENT, "inpatient", "住院") \
	X(L_KIND, "Kind", "类型") \
	X(L_DX, "Diagnosis", "诊断") \
	X(L_SHOWN_AS, "Shown", "显示") \
	X(L_CASE_HINT, "In a terminal: claimwatch case --root ROOT --month", "终端查询：claimwatch case --root ROOT --month") \
	X(L_PHYSICIAN_LEVEL, "physician level", "医师层面") \
	X(L_TOTAL, "Total", "合计") \
	X(L_NOT_RANKED, "not ranked", "未排名") \
	X(L_EMPTY_MONTH, "No claim lines in this month: every table is empty.", "本月无费用明细，各表为空。") \
	X(L_INSTITUTIONS_PAGE, "Institutions", "机构考核") \
	X(L_DEPARTMENTS_PAGE, "Departments", "科室考核") \
	X(L_INST_ASSESSMENT, "Assessment of the institutions", "定点医疗机构考核") \
	X(L_DEPT_ASSESSMENT, "Departments' self-inspection", "科室自查考核") \
	X(L_ASSESS_NOTE, "Score = 100 minus the points of every indicator over its target (or under its floor), of the findings per 100 visits, of the violation money as a share of revenue and of the rows rejected (data quality); graded A, B, C, D by the cut-offs of the rules (assessment.grades). Institutions are ranked within their region, else their level; departments within their hospital. Rank 1 is the highest score. See docs/institutions.md.", \
	  "得分 = 100 减去各项超过控制目标（或低于下限）的指标扣分、每百人次疑点数扣分、违规金额占医疗收入比例扣分和数据拒收比例扣分（数据质量）；按规则 assessment.grades 的分数线评为 A、B、C、D 级。机构在统筹区内（无统筹区时在同等级内）排名，科室在本院内排名，第 1 名得分最高。详见 docs/institutions.md。") \
	X(L_REGION, "Region", "统筹区") \
	X(L_GROUP, "Ranked within", "排名范围") \
	X(L_PER_100_VISITS, "Findings per 100 visits", "每百人次疑点数") \
	X(L_VIOLATION, "Violation money", "违规金额") \
	X(L_VIOLATION_FUND, "of it the fund's share", "其中基金支付") \
	X(L_CONFIRMED_MONEY, "Confirmed", "已确认金额") \
	X(L_REFUNDED_MONEY, "Refunded", "已退回金额") \
	X(L_REJECTED_ROWS, "Rows rejected", "拒收数据行") \
	X(L_OVER_TARGET, "Indicators over target", "超标指标") \
	X(L_DEDUCTIONS, "Deductions (indicators / findings / money / data)", "扣分（指标 / 疑点 / 金额 / 数据）") \
	X(L_GRADE_COUNTS, "Grades", "等级分布") \
	X(L_BUDGET, "Global budget", "总额预付") \
	X(L_BUDGET_NONE, "The data has no budgets (DATA/budgets.csv or the budgets table): nothing to show.", \
	  "数据中没有总额预算（DATA/budgets.csv 或 budgets 表），本页为空。") \
	X(L_BUDGET_NOTE, "Use: the fund's payments of the months (indicators.csv fund_paid) less the violations confirmed in them. Each month the fund prepays 94% of the use (at most the month's budget) and holds back 6% until the year-end assessment. Over the budget, the fund pays 70% of the first 10%, 30% of the next 10% and nothing beyond 20%. Projection to the year end: by last year's months when known, else by the budget's monthly profile, else linearly.", \
	  "使用额：各月统筹基金支付（indicators.csv fund_paid）扣除已确认的违规金额。每月按使用额（不超过月度预算）的94%预拨，6%作为考核预留金年终考核后拨付。超出预算部分：10%以内基金承担70%，10%-20%承担30%，20%以上不再分担。年终预计：有上年各月数据时按上年月度分布推算，否则按预算月度分布，再否则按月平均线性推算。") \
	X(L_ANNUAL_BUDGET, "Annual budget", "年度预算") \
	X(L_BUDGET_TO_DATE, "Budget to date", "累计预算") \
	X(L_USED_TO_DATE, "Used to date", "累计使用") \
	X(L_USE_RATE, "Share of the year's budget", "年度预算使用率") \
	X(L_PREPAID, "Prepaid (94%)", "已预拨(94%)") \
	X(L_HOLDBACK, "Held back (6%)", "考核预留金(6%)") \
	X(L_VIOLATIONS, "Confirmed violations", "已确认违规") \
	X(L_PROJECTED, "Projected for the year", "年终预计") \
	X(L_PROJECTED_OVER, "Projected over budget", "预计超支率") \
	X(L_ALERT, "Alert", "预警") \
	X(L_UNDER_SERVICE, "Under-service signal (I12)", "服务量骤降信号(I12)") \
	X(L_INST_GRADE, "Institution grade", "机构考核等级") \
	X(L_SETTLEMENT, "Year-end settlement", "年终清算") \
	X(L_BUDGET_LINE, "Budget", "预算") \
	X(L_USED_LINE, "Used", "实际使用") \
	X(L_BAND10, "Budget +10%", "预算+10%") \
	X(L_BAND20, "Budget +20%", "预算+20%") \
	X(L_CHART_PCT, "cumulative, % of the annual budget", "累计，占年度预算%")

enum cw_label_key {
#define CW_LABEL_ENUM(key, en, zh) key,
	CW_LABELS(CW_LABEL_ENUM)
#undef CW_LABEL_ENUM
	L_COUNT
};

#endif
