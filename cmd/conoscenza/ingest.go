package main

import "github.com/spf13/cobra"

func (m *Main) ingestCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ingest",
		Short: "Load monthly data files and documents into the database",
		Long: `Load the city's monthly files (formats in docs/ and ../shared/formats/README.md).

Every load is one batch: atomic, idempotent (the same file twice changes nothing) and recorded
with its counts and rejected rows.`,
	}
	return cmd
}

func (m *Main) demoCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Generate and load the synthetic Bologna demo data",
	}
	return cmd
}
