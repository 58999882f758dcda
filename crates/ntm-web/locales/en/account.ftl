# Account page: the e-mail address that receives notifications.
account-link = Account
account-title = Account
account-username = User name: { $value }
account-email-heading = E-mail for notifications
account-email-label = E-mail address
account-email-help = Dossier notifications (e.g. a dossier waiting for you) are also sent to this address. Leave it empty and save to receive no mail.
account-email-save = Save address
account-email-clear = Remove address
account-email-invalid = Not a valid e-mail address (e.g. name@example.gov.vn, at most 254 characters).
account-saved = Saved.
account-smtp-on = This server sends e-mail: notifications go to the address below.
account-smtp-off = This server has no e-mail sending (SMTP) configured: notifications only appear on the Notifications page for now. The address you save will be used once the server sends mail.
