-- Runs still 'Running' when a new run holds the writer lock were interrupted
-- (killed, crashed, machine lost): say so instead of leaving them Running forever.
UPDATE runs SET status = 'Failed', finished_at = now()::TIMESTAMP,
    message = 'interrupted: the process ended before the run finished; '
              || 'every batch it committed is kept, the rest is read by the next run'
WHERE status = 'Running' AND run_id <> $run_id;
