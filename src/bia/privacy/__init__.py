"""Personal-data hygiene: retention periods and purge, the art. 30 register, pseudonymisation
before analytics, and the data subject's rights (access, erasure).

BIA is operated by a commune on a public-service mission; residents do not choose to be in its
files, so what it keeps must be minimal, time-limited and explainable to the CNIL.
"""
