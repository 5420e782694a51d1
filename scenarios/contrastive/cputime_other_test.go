//go:build !unix

package contrastive

import "time"

func cpuTime() time.Duration { return 0 }
