//go:build !unix

package cardindex

import "os"

// lockFolder opens path; there is no folder lock on this platform.
func lockFolder(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
}

func unlockFolder(f *os.File) error { return f.Close() }
