"""Migration environment: runs on the engine handed over by :func:`survey.store.engine.upgrade`."""

from alembic import context

from survey.store.models import Base

engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    context.run_migrations()
