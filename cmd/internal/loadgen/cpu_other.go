//go:build !unix

package loadgen

// selfCPUSeconds is unknown here.
func selfCPUSeconds() (float64, bool) { return 0, false }
