#!/usr/bin/env python3
"""Runs one network case's sender; the runner starts this inside the client namespace.
Usage: peer.py CASE_ID"""
import sys

from catalogue import CASES

case = next(c for c in CASES if c.id == sys.argv[1])
case.send.run()
