-- write_budget.sql: a run's budget.csv (docs/budget.md), staged in cw_stage_budget, into claimwatch.budget.
-- $1 the month's first day, $2 the run.
INSERT INTO claimwatch.budget (month, run_id, inst_id, name, year, period, kind, months_read, budget_source,
                               annual_budget, budget, fund_paid, fund_estimated, violations, used, prepaid,
                               holdback, cum_budget, cum_used, use_rate, pace, projected, projection_method,
                               projected_over, alert, under_service, under_service_reason, grade, grade_source,
                               surplus, surplus_kept, over, band1, band1_fund, band2, band2_fund, beyond,
                               beyond_fund, over_fund, over_hospital, holdback_returned, holdback_kept,
                               fund_total, settlement, overspend_share_reason)
SELECT $1::date, $2::bigint, inst_id, name, year::smallint, period, kind, months_read::smallint, budget_source,
       annual_budget::numeric, budget::numeric, fund_paid::numeric, fund_estimated::smallint,
       violations::numeric, used::numeric, prepaid::numeric, holdback::numeric, cum_budget::numeric,
       cum_used::numeric, nullif(use_rate, '')::float8, nullif(pace, '')::float8,
       nullif(projected, '')::numeric, nullif(projection_method, ''), nullif(projected_over, '')::float8,
       nullif(alert, '')::smallint, under_service::smallint, nullif(under_service_reason, ''), grade,
       grade_source, nullif(surplus, '')::numeric, nullif(surplus_kept, '')::numeric,
       nullif(over, '')::numeric, nullif(band1, '')::numeric, nullif(band1_fund, '')::numeric,
       nullif(band2, '')::numeric, nullif(band2_fund, '')::numeric, nullif(beyond, '')::numeric,
       nullif(beyond_fund, '')::numeric, nullif(over_fund, '')::numeric, nullif(over_hospital, '')::numeric,
       nullif(holdback_returned, '')::numeric, nullif(holdback_kept, '')::numeric,
       nullif(fund_total, '')::numeric, nullif(settlement, '')::numeric, nullif(overspend_share_reason, '')
  FROM pg_temp.cw_stage_budget;
