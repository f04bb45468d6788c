""" "Is this legit?" for a link, a saved page or a pasted message: the guarded fetch
(`safefetch`), reading a posting out of a page (`extract` and its readers), and the checker
that scores it and remembers the answer (`checker`, `report`)."""
