"""`bulkads ui`: a local page for people who never open a terminal.

Usage::

    bulkads ui [--port N] [--no-browser] [--workdir DIR]

Drop a sheet, see every bad cell, plan, rehearse on the sandbox, launch, watch, download
the results. `app` serves it, `security` guards it, `launch` drives the command line's
own run, `views` shapes what the page shows, `static/` is the page itself.
"""
