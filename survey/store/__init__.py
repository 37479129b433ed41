"""The evidence store: models, migrations, readers, accounts, the audit log and derived
stores. Raw answers are immutable; everything derived can be rebuilt from them."""
