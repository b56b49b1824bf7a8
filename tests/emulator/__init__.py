"""A faithful stand-in for the ABRA Flexi REST API (SMTP settings), after docs/flexi-api.md.

server.py starts it (EmulatorServer, EmulatorOptions), app.py answers the routes, documents.py and validation.py
hold Flexi's documents and messages, state.py what it stores and the request log, faults.py injected faults,
mailer.py the real test mail, sink.py the SMTP sink that receives it, proxy.py a forward proxy for proxy tests,
spellings.py how the echo fault spells what it quotes, __main__.py the command line.
It never imports plugins/: it plays the server the plugins talk to.
"""
