"""DuckDB warehouse: schema migrations, named queries and the store."""

from warehouse.store import (
    LoadCounts,
    QueryError,
    Warehouse,
    WarehouseUnreadable,
    load_group_ready,
    migrate,
    sql,
)

__all__ = [
    "LoadCounts",
    "QueryError",
    "Warehouse",
    "WarehouseUnreadable",
    "load_group_ready",
    "migrate",
    "sql",
]
