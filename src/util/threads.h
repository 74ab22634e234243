/* threads.h: how many threads a piece of work gets: the one core-count rule of the engine. */
#ifndef CW_THREADS_H
#define CW_THREADS_H

/* The most threads any stage starts. */
#define CW_THREADS_MAX 16

/* Threads for work asking for `asked`: asked itself when > 0, else one per core this process may
 * run on (its CPU affinity), at least 1; never more than CW_THREADS_MAX. */
int cw_threads(int asked);

#endif
