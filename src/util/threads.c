/* threads.c: the number of threads a stage gets (see threads.h). */
#include <sched.h>
#include <unistd.h>
#include "util/threads.h"

int cw_threads(int asked)
{
	if (asked > 0)
		return asked < CW_THREADS_MAX ? asked : CW_THREADS_MAX;
	long n = sysconf(_SC_NPROCESSORS_ONLN);
#ifdef CPU_COUNT
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0 && CPU_COUNT(&set) < n)
		n = CPU_COUNT(&set);
#endif
	return n < 1 ? 1 : n > CW_THREADS_MAX ? CW_THREADS_MAX : (int)n;
}
