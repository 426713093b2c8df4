"""A local SMTP sink for the integration suite: accepts every message on 127.0.0.1:PORT and
writes it, as received, to DIRECTORY/N.eml. Prints "ready" once it listens."""

import sys
import time
from pathlib import Path

from aiosmtpd.controller import Controller


class Store:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.count = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.count += 1
        (self.directory / f"{self.count}.eml").write_bytes(envelope.original_content)
        return "250 Message accepted"


def main() -> None:
    port, directory = int(sys.argv[1]), Path(sys.argv[2])
    controller = Controller(Store(directory), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
