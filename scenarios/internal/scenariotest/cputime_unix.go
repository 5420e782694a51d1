//go:build unix

package scenariotest

import (
	"syscall"
	"time"
)

// CPUTime is the processor time this process has used, which other
// programs on a shared machine inflate far less than the wall clock.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
