package store

import (
	"errors"
	"fmt"

	"github.com/gofrs/flock"
)

// ErrInUse is the error of opening a database file that another process
// has open.
var ErrInUse = errors.New("the database is in use by another process")

// dbLock makes a database file one process's: two emulators on one file
// would each cache what the other changes, and race for its writer.
//
// The lock is on a file beside the database, not on the database itself:
// SQLite takes its own locks on that file, which on Windows are mandatory
// byte ranges that a lock of ours would collide with, and on systems that
// emulate flock with POSIX locks, closing our descriptor would drop
// SQLite's. A file of our own is also there to lock before SQLite has
// created the database. It is left in place at exit: deleting a lock file
// lets a third process lock a new file while a second holds the old one.
type dbLock struct{ file *flock.Flock }

// lockDB takes the lock of the database at path, or fails at once with
// ErrInUse when another process holds it.
func lockDB(path string) (*dbLock, error) {
	f := flock.New(path + ".lock")
	locked, err := f.TryLock()
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", f.Path(), err)
	}
	if !locked {
		return nil, fmt.Errorf("%s: %w (it holds %s)", path, ErrInUse, f.Path())
	}
	return &dbLock{file: f}, nil
}

// release lets another process open the database; nil (a store with no
// file of its own) holds nothing.
func (l *dbLock) release() error {
	if l == nil {
		return nil
	}
	return l.file.Close()
}
