// Stand-in for the `server-only` marker package under Node (tests).
export {};
