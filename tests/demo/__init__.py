"""Demo tests: divtui served by a real OpenSSH server and driven through a real terminal."""
