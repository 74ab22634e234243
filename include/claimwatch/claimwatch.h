/*
 * claimwatch/claimwatch.h: the whole public API in one include.
 *
 *   #include <claimwatch/claimwatch.h>      cc app.c $(pkg-config --cflags --libs claimwatch)
 *
 * In the order of a month's data: the calendar and errors (types.h, error.h),
 * the dataset and its sources (dataset.h, source.h for CSV files, pg.h for
 * PostgreSQL), the rules and the detectors (rules.h, detector.h, scan.h,
 * findings.h, metrics.h, stats.h), the judgement (score.h, review.h,
 * sanction.h), and the month's run in one call with its progress (run.h,
 * progress.h). Every function returns the error convention of error.h.
 */
#ifndef CLAIMWATCH_H
#define CLAIMWATCH_H

#include "claimwatch/common.h"
#include "claimwatch/types.h"
#include "claimwatch/error.h"
#include "claimwatch/dataset.h"
#include "claimwatch/source.h"
#include "claimwatch/pg.h"
#include "claimwatch/rules.h"
#include "claimwatch/dxcoding.h"
#include "claimwatch/detector.h"
#include "claimwatch/scan.h"
#include "claimwatch/findings.h"
#include "claimwatch/metrics.h"
#include "claimwatch/stats.h"
#include "claimwatch/score.h"
#include "claimwatch/review.h"
#include "claimwatch/sanction.h"
#include "claimwatch/progress.h"
#include "claimwatch/run.h"

#endif
