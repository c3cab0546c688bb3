from preview.cli import app

app(prog_name="ml-tenancy")
