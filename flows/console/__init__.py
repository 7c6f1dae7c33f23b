"""The township office's own console (DESIGN §8): Chinese pages in a browser for operators and leaders,
served by `township serve` beside Prefect's UI (which stays for whoever runs the machine)."""
