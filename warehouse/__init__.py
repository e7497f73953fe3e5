"""DuckDB warehouse: schema migrations, named queries and the store."""

from warehouse.store import LoadCounts, Warehouse, migrate, sql

__all__ = ["LoadCounts", "Warehouse", "migrate", "sql"]
