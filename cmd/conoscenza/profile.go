package main

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// startCPUProfile starts the Go CPU profile asked for with --cpuprofile (used to see where a
// long load spends its time; docs/ingest.md).
func (m *Main) startCPUProfile() error {
	if m.cpuProfile == "" || m.profile != nil {
		return nil
	}
	f, err := os.Create(m.cpuProfile)
	if err != nil {
		return fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return fmt.Errorf("cpu profile: %w", err)
	}
	m.profile = f
	return nil
}

// stopCPUProfile ends it and closes the file.
func (m *Main) stopCPUProfile() error {
	if m.profile == nil {
		return nil
	}
	pprof.StopCPUProfile()
	err := m.profile.Close()
	m.profile = nil
	if err != nil {
		return fmt.Errorf("cpu profile: %w", err)
	}
	return nil
}
