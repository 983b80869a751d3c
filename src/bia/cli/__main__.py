from bia.cli.main import app

app()
