"""API tokens stored as a digest (accounts.ApiToken, django-rest-knox), replacing DRF's
authtoken, whose keys sat in the database in clear and were shown in the admin.

The old tokens are revoked, not carried over: anyone who could read the table or the
admin may have copied them. Their table is dropped and DRF's authtoken migrations are
forgotten (the app is no longer installed). Systems get new tokens from the
administrator (/beheer/ -> API-tokens); see docs/security.md, "API tokens".
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def revoke_clear_text_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if "authtoken_token" in connection.introspection.table_names():
        schema_editor.execute(f"DROP TABLE {schema_editor.quote_name('authtoken_token')}")
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connection)
    if recorder.has_table():
        recorder.migration_qs.filter(app="authtoken").delete()


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='ApiToken',
            fields=[
                ('token_key', models.CharField(db_index=True, max_length=25)),
                ('id', models.BigAutoField(primary_key=True, serialize=False)),
                ('digest', models.CharField(max_length=128, unique=True)),
                ('name', models.CharField(max_length=100, verbose_name='naam of doel')),
                ('created', models.DateTimeField(default=django.utils.timezone.now, verbose_name='uitgegeven op')),
                ('expiry', models.DateTimeField(verbose_name='verloopt op')),
                ('issued_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='uitgegeven door')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='auth_token_set', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'API-token',
                'verbose_name_plural': 'API-tokens',
                'constraints': [models.CheckConstraint(condition=models.Q(('expiry__gt', models.F('created'))), name='apitoken_expires_after_creation')],
            },
        ),
        migrations.RunPython(revoke_clear_text_tokens, migrations.RunPython.noop),
    ]
