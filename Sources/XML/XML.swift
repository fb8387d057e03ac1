// Safe XML through libxml2 (issue 4).
