"""Rule libraries as data (YAML) plus the loader and the pure-function interpreter."""
