"""``derive serve``: a practice page and a JSON API in the browser, on a real ASGI stack
(Starlette, served by uvicorn; the optional extra ``derive[web]``).

``app``     the routes, the bounds of a request, the statuses, the cache of answers
``pool``    the worker processes that do the work, each task under its time limit
``tasks``   the work of one request, run inside a worker
``markup``  derive's Markdown as HTML for the page to typeset (KaTeX, shipped in ``static/``)
``hints``   the hint "Which rule?", read from a solution's steps
``server``  uvicorn on a socket of our own, the address printed once the workers are ready

Nothing imports this package but the command ``derive serve``.
"""
