# Django's own formats for this language do not group thousands, while the
# browser's Intl.NumberFormat does: counters rendered on the server then jumped
# from "4002" to "4,002" when the script took over. Group them the same way
# (Western digits, as the counter script asks Intl for). Everything else comes
# from Django's locale formats.
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
