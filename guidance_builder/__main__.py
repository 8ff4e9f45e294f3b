from guidance_builder.cli import run

run()
