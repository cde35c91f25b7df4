-- +goose Up
-- The live companies (00052) by registration date. A stock count with a range of age in months
-- ("iscritte prima del 2000", "da più di trent'anni", "nate negli anni '90": a boundary before the
-- monthly cube's horizon, so no age cuboid answers) compares the registration date with the
-- snapshot's date less some months (monthsSQL) and read all 500,000 live companies; through this
-- index it reads those registered on that side of the boundary (the table is filled from the
-- register's event table, in the order of its dates, so the range is nearly contiguous).
-- Measured on the benchmark database (a million companies, docs/metrics.md, session 10): active
-- companies registered before 2000, 35-45 -> 14-18 ms; in the 1990s 40 -> 7 ms; registered in
-- the last three years 11 ms. The same statements run: only their plans can change.
CREATE INDEX agg_imprese_vive_iscrizione ON agg_imprese_vive (dt_iscrizione);

-- +goose Down
DROP INDEX agg_imprese_vive_iscrizione;
