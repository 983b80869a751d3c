"""Operations: backups and restores of the database, Prometheus metrics."""
