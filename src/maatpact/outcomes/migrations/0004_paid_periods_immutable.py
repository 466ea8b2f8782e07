"""A paid payment period never changes, in the database itself (PostgreSQL).

Row triggers refuse every UPDATE and DELETE of ``outcomes_paidline``,
``outcomes_paidreceipt`` and ``outcomes_contractversion``, and of an
``outcomes_paymentperiod`` row once it has ``paid_at`` — whoever runs it (application,
admin, a psql session). On SQLite this migration does nothing; there the models, their
querysets and the services refuse it.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION outcomes_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused (a paid period never changes)',
        TG_TABLE_NAME, TG_OP USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION outcomes_paid_period_frozen() RETURNS trigger AS $$
BEGIN
    IF OLD.paid_at IS NOT NULL THEN
        RAISE EXCEPTION 'payment period % is paid: % refused', OLD.id, TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS outcomes_paidline_append_only ON outcomes_paidline;
CREATE TRIGGER outcomes_paidline_append_only
    BEFORE UPDATE OR DELETE ON outcomes_paidline
    FOR EACH ROW EXECUTE FUNCTION outcomes_append_only();
DROP TRIGGER IF EXISTS outcomes_paidreceipt_append_only ON outcomes_paidreceipt;
CREATE TRIGGER outcomes_paidreceipt_append_only
    BEFORE UPDATE OR DELETE ON outcomes_paidreceipt
    FOR EACH ROW EXECUTE FUNCTION outcomes_append_only();
DROP TRIGGER IF EXISTS outcomes_contractversion_append_only ON outcomes_contractversion;
CREATE TRIGGER outcomes_contractversion_append_only
    BEFORE UPDATE OR DELETE ON outcomes_contractversion
    FOR EACH ROW EXECUTE FUNCTION outcomes_append_only();
DROP TRIGGER IF EXISTS outcomes_paid_period_frozen ON outcomes_paymentperiod;
CREATE TRIGGER outcomes_paid_period_frozen
    BEFORE UPDATE OR DELETE ON outcomes_paymentperiod
    FOR EACH ROW EXECUTE FUNCTION outcomes_paid_period_frozen();
"""

DROP = """
DROP TRIGGER IF EXISTS outcomes_paidline_append_only ON outcomes_paidline;
DROP TRIGGER IF EXISTS outcomes_paidreceipt_append_only ON outcomes_paidreceipt;
DROP TRIGGER IF EXISTS outcomes_contractversion_append_only ON outcomes_contractversion;
DROP TRIGGER IF EXISTS outcomes_paid_period_frozen ON outcomes_paymentperiod;
DROP FUNCTION IF EXISTS outcomes_append_only();
DROP FUNCTION IF EXISTS outcomes_paid_period_frozen();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(CREATE)  # no params: the % in the plpgsql bodies stay literal


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0003_paid_periods_and_versions")]
    operations = [migrations.RunPython(create, drop)]
