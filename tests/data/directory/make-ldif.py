#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# make-ldif.py USERS DEPARTMENTS - an Active-Directory-like tree for the
# tests' and the benchmark's slapd, as one LDIF on stdout (for slapadd):
# dc=example,dc=test; ou=People with one OU per department (its
# description the department's name); users u00001... spread over the
# departments, with sAMAccountName, displayName, mail, department,
# employeeNumber (a 4-byte badge UID in hex, 04xxxxxx), userAccountControl
# (512: enabled) and memberOf for the admin and finance groups; a service
# account for the sync to bind as.
import sys

users, depts = int(sys.argv[1]), int(sys.argv[2])
base = "dc=example,dc=test"
out = sys.stdout
w = out.write
w(f"dn: {base}\nobjectClass: top\nobjectClass: dcObject\nobjectClass: organization\n"
  f"o: Example\ndc: example\n\n")
w(f"dn: ou=People,{base}\nobjectClass: organizationalUnit\nou: People\n\n")
w(f"dn: ou=Groups,{base}\nobjectClass: organizationalUnit\nou: Groups\n\n")
w(f"dn: ou=Services,{base}\nobjectClass: organizationalUnit\nou: Services\n\n")
w(f"dn: cn=followme,ou=Services,{base}\nobjectClass: person\ncn: followme\n"
  f"sn: service\nuserPassword: sync-secret\n\n")
for g in ("Print Admins", "Finance"):
    w(f"dn: cn={g},ou=Groups,{base}\nobjectClass: groupOfNames\ncn: {g}\n"
      f"member: cn=followme,ou=Services,{base}\n\n")
for d in range(1, depts + 1):
    w(f"dn: ou=D{d:03d},ou=People,{base}\nobjectClass: organizationalUnit\n"
      f"ou: D{d:03d}\ndescription: Department {d}\n\n")
for i in range(1, users + 1):
    d = (i - 1) % depts + 1
    login = f"u{i:05d}"
    w(f"dn: cn=User {i},ou=D{d:03d},ou=People,{base}\nobjectClass: user\n"
      f"objectCategory: person\ncn: User {i}\nsn: {i}\nsAMAccountName: {login}\n"
      f"uid: {login}\ndisplayName: User {i}\nmail: {login}@example.test\n"
      f"department: D{d:03d}\nemployeeNumber: 04{i:06X}\n"
      f"userAccountControl: 512\n")
    if i == 1:
        w(f"memberOf: cn=Print Admins,ou=Groups,{base}\n")
    if i == 2:
        w(f"memberOf: cn=Finance,ou=Groups,{base}\n")
    w("\n")
