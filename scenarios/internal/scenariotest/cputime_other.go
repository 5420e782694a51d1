//go:build !unix

package scenariotest

import "time"

// CPUTime is zero where the processor time is not available.
func CPUTime() time.Duration { return 0 }
