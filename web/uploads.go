package web

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// uploadRoot is where the server keeps the files uploaded for a load until the load ends: one
// folder per server process (srv-*) under a root shared by the servers of the machine, each
// holding an exclusive flock on its .lock for as long as the process lives. A process that
// dies mid-load leaves its folder behind; the next server to start removes every srv-* folder
// whose lock nobody holds (the kernel drops a dead process's locks), and never a live one's.
type uploadRoot struct {
	once sync.Once
	root string
	own  string   // this process's folder
	lock *os.File // held open: the flock lasts as long as the process
	err  error
}

// defaultUploadDir is the root when Options.UploadDir is empty.
func defaultUploadDir() string { return filepath.Join(os.TempDir(), "conoscenza-uploads") }

// staleGrace spares a srv-* folder without a .lock that is younger than this: its server may
// be between creating it and locking it.
const staleGrace = time.Minute

// sweep removes the folders of the dead processes under the root (at startup).
func (u *uploadRoot) sweep(logger *slog.Logger) {
	if _, err := os.Stat(u.root); errors.Is(err, os.ErrNotExist) {
		return
	}
	if n, err := sweepUploads(u.root); err != nil {
		logger.Warn("removing stale uploads failed", "root", u.root, "err", err)
	} else if n > 0 {
		logger.Info("removed stale upload folders", "root", u.root, "folders", n)
	}
}

// open creates the root and this process's folder at the first upload (a server that never
// receives one leaves nothing behind).
func (u *uploadRoot) open() error {
	u.once.Do(func() {
		if err := os.MkdirAll(u.root, 0o700); err != nil {
			u.err = fmt.Errorf("upload root %s: %w", u.root, err)
			return
		}
		dir, err := os.MkdirTemp(u.root, "srv-")
		if err != nil {
			u.err = fmt.Errorf("upload folder: %w", err)
			return
		}
		f, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o600)
		if err == nil {
			if err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
				f.Close()
			}
		}
		if err != nil {
			os.RemoveAll(dir)
			u.err = fmt.Errorf("lock upload folder %s: %w", dir, err)
			return
		}
		u.own, u.lock = dir, f
	})
	return u.err
}

// dir makes the temporary folder of one upload; the caller removes it when the load ends.
func (u *uploadRoot) dir() (string, error) {
	if err := u.open(); err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp(u.own, "upload-")
	if err != nil {
		return "", fmt.Errorf("upload temp dir: %w", err)
	}
	return dir, nil
}

// sweepUploads removes the srv-* folders under root whose owner process is gone, and says how
// many it removed.
func sweepUploads(root string) (int, error) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return 0, fmt.Errorf("read upload root: %w", err)
	}
	removed := 0
	var errs []error
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), "srv-") {
			continue
		}
		dir := filepath.Join(root, e.Name())
		f, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_RDWR, 0)
		if errors.Is(err, os.ErrNotExist) {
			if info, ierr := e.Info(); ierr != nil || time.Since(info.ModTime()) < staleGrace {
				continue
			}
		} else if err != nil {
			errs = append(errs, err)
			continue
		} else {
			lerr := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
			if lerr != nil { // a live server holds it
				f.Close()
				continue
			}
			defer f.Close() // keep the lock while removing: a new server cannot pick this name anyway
		}
		if err := os.RemoveAll(dir); err != nil {
			errs = append(errs, fmt.Errorf("remove %s: %w", dir, err))
			continue
		}
		removed++
	}
	return removed, errors.Join(errs...)
}
