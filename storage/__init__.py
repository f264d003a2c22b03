"""Storage: SQLAlchemy models, repositories, the unit of work and migrations (SQLite or PostgreSQL).

Services never import this package; the composition root builds an engine with
`storage.db.make_engine`, migrates it with `storage.migrate.upgrade_to_head` and hands
`storage.uow.make_uow_factory(engine)` to the services.
"""
