"""The live service: the Starlette app, its handlers and middleware, the render cache, and uvicorn."""
