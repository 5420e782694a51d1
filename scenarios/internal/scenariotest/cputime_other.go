//go:build !unix

package scenariotest

import "time"

// cpuTime is zero where the processor time is not available.
func cpuTime() time.Duration { return 0 }
