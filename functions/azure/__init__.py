"""Azure Functions blueprints: one `func.Blueprint` per trigger family.

`function_app.py` at the repository root builds the HTTP API's function app
(`functions.azure.http.build_function_app`) and registers every blueprint defined
here with `app.register_functions(bp)`. A blueprint's trigger stays thin: it
parses the message, calls one application service and maps the result; a queue
trigger raises on failure so the platform retries and dead-letters.
"""
