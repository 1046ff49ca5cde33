"""Checking a student's answer: the verdict, a counterexample, the mistake it is (from a
catalogue of the usual mistakes), and multiple-choice options built from those mistakes."""
