"""Cases: the law that applies to a case (offences by date, charges) and its statutory deadlines."""
