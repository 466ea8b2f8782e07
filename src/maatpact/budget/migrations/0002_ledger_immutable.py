"""Ledger entries are immutable in the database itself (PostgreSQL).

A row trigger refuses every UPDATE and DELETE of ``budget_ledgerentry``, whoever runs
it (application, admin, a psql session). On SQLite this migration does nothing; there
the model and its queryset refuse updates and deletes.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION budget_ledger_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'budget_ledgerentry is append-only: % refused (book a reversal)', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS budget_ledger_immutable ON budget_ledgerentry;
CREATE TRIGGER budget_ledger_immutable
    BEFORE UPDATE OR DELETE ON budget_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION budget_ledger_immutable();
"""

DROP = """
DROP TRIGGER IF EXISTS budget_ledger_immutable ON budget_ledgerentry;
DROP FUNCTION IF EXISTS budget_ledger_immutable();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(CREATE)  # no params: the % in the plpgsql body stays literal


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("budget", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
