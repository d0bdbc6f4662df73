"""Prints "passed failed skipped" from a pytest JUnit XML report (errors count as failed; a
missing or unreadable report is "0 0 0"). Used by the suites' run.sh to add up their results.

    python scripts/junit-counts.py REPORT.xml
"""
import sys
import xml.etree.ElementTree as ET

try:
    root = ET.parse(sys.argv[1]).getroot()
except (OSError, ET.ParseError):
    print("0 0 0")
    sys.exit(0)
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
tests = failed = skipped = 0
for suite in suites:
    tests += int(suite.get("tests", 0))
    failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
    skipped += int(suite.get("skipped", 0))
print(max(tests - failed - skipped, 0), failed, skipped)
