//go:build unix

package cardindex

import (
	"fmt"
	"os"
	"syscall"
)

// lockFolder takes an exclusive lock on path (made 0600 if missing). It
// does not wait: another command working on the same folder is an error the
// clerk can act on, not a hang.
func lockFolder(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("another partychaind command is registering into this card folder; run again once it is done (%w)", err)
	}
	return f, nil
}

func unlockFolder(f *os.File) error {
	_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	return f.Close()
}
