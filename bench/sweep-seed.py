"""The sweep benchmark's organization, built in moto's backends in-process, then served over HTTP.

Creating 12,000 functions with a version and an alias through moto's HTTP API costs about 8.5 s an
account on a loaded machine (request parsing, signing, routing and responses, for three calls per
function); the same objects built through moto's backend methods cost a small fraction of that.
The sweep still talks to this server over HTTP (through the benchmark's latency proxy): only the
setup skips the wire.

Usage: python bench/sweep-seed.py PORT FUNCTIONS REGION[,REGION...] ACCOUNT[,ACCOUNT...]
Prints one JSON line ({"functions": N, "seconds": S}) once the server answers, then serves until
stdin closes or the process is signalled.
"""

import base64
import json
import sys
import threading
import time

from moto.awslambda.models import lambda_backends
from moto.dynamodb.models import DynamoDBBackend
from moto.iam.models import iam_backends
from moto.moto_server.threaded_moto_server import ThreadedMotoServer

TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)
# An empty zip archive, as the API would receive it (base64).
ZIP = base64.b64encode(base64.b64decode("UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==")).decode()


def atomic_writes():
    """DynamoDB applies each write (a condition, an ADD) atomically; moto's threaded server does not:
    two concurrent UpdateItem of one item can lose one of the two. The sweep's ledger counts a run's
    open pairs down with ADD, so a lost decrement leaves a run that never reports (seen at 200
    accounts and 20 workers: 600 pairs settled, 2 still counted open). One lock around moto's item
    writes gives the bench DynamoDB's semantics."""
    lock = threading.Lock()
    for name in ("put_item", "update_item", "delete_item", "transact_write_items"):
        original = getattr(DynamoDBBackend, name)

        def wrapped(self, *args, _original=original, **kwargs):
            with lock:
                return _original(self, *args, **kwargs)

        setattr(DynamoDBBackend, name, wrapped)


def seed(accounts, regions, functions):
    created = 0
    for account in accounts:
        role = iam_backends[account]["aws"].create_role(
            role_name="bench-fn",
            assume_role_policy_document=TRUST,
            path="/",
            permissions_boundary=None,
            description="",
            tags=[],
            max_session_duration=None,
        )
        for region in regions:
            backend = lambda_backends[account][region]
            for f in range(functions):
                name = f"fn-{f}"
                backend.create_function(
                    {
                        "FunctionName": name,
                        "Runtime": "python3.12",
                        "Role": role.arn,
                        "Handler": "i.h",
                        "Code": {"ZipFile": ZIP},
                    }
                )
                version = backend.publish_version(name)
                backend.create_alias("live", name, str(version.version), "", None)
                created += 1
    return created


def main():
    port, functions, regions, accounts = sys.argv[1:5]
    start = time.process_time()
    wall = time.perf_counter()
    atomic_writes()
    created = seed(accounts.split(","), regions.split(","), int(functions))
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=int(port), verbose=False)
    server.start()
    seeded = {
        "functions": created,
        "cpuSeconds": round(time.process_time() - start, 2),
        "seconds": round(time.perf_counter() - wall, 2),
    }
    print(json.dumps(seeded), flush=True)
    try:
        sys.stdin.read()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
