//go:build !unix

package lab_test

import "time"

// cpuTime is zero where the processor time is not available.
func cpuTime() time.Duration { return 0 }
