import json

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from companies.models import Company, CompanyReference, MemberRole, Membership
from ideas.language import detect_language
from ideas.models import Idea, IdeaStatus

DEMO_DATA = settings.DEMO_DATA
DEMO_PASSWORD = "gwangju-demo-2026"

# Username, the display name the public sees, and the real name only city staff see.
CITIZENS = [
    ("citizen1", "햇살 다람쥐", "김민지"),
    ("citizen2", "무등산 부엉이", "박준호"),
    ("citizen3", "Curious Heron", "Emily Carter"),
    ("citizen4", "다정한 두루미", "이순자"),
]


class Command(BaseCommand):
    help = "Load fictional demo companies, ideas and accounts (safe to run again)."

    @transaction.atomic
    def handle(self, *args, **options):
        data = json.loads(DEMO_DATA.read_text(encoding="utf-8"))
        users = {
            username: self._user(username, display_name, real_name=real_name)
            for username, display_name, real_name in CITIZENS
        }
        staff = self._user("staff", "광주시 AI정책과", is_staff=True)

        companies = [self._company(entry) for entry in data["companies"]]
        company_members = []
        for index, company in enumerate(companies[:2], start=1):
            member = self._user(f"company{index}", f"{company.name} 담당자")
            Membership.objects.get_or_create(
                company=company, user=member, defaults={"role": MemberRole.OWNER}
            )
            company_members.append((member, company))

        created = 0
        for entry in data["ideas"]:
            created += self._idea(entry, users[entry["author"]])

        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data: {len(companies)} companies, {len(data['ideas'])} ideas ({created} new)."
            )
        )
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        self.stdout.write(f"  city staff      {staff.username}")
        for member, company in company_members:
            self.stdout.write(f"  company member  {member.username}  ({company.name})")
        for username in users:
            self.stdout.write(f"  citizen         {username}")

    def _user(self, username: str, display_name: str, *, real_name: str = "", is_staff: bool = False) -> User:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "display_name": display_name,
                "real_name": real_name,
                "is_staff": is_staff,
                "email": f"{username}@example.org",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        return user

    def _company(self, entry: dict) -> Company:
        company, _created = Company.objects.update_or_create(
            slug=entry["slug"],
            defaults={
                "name": entry["name"],
                "summary": entry["summary"],
                "description": entry["description"],
                "website": entry["website"],
                "technologies": entry["technologies"],
                "domains": entry["domains"],
                "languages": entry["languages"],
                "is_verified": True,
            },
        )
        for reference in entry.get("references", []):
            CompanyReference.objects.update_or_create(
                company=company,
                title=reference["title"],
                defaults={"year": reference.get("year"), "description": reference["description"]},
            )
        return company

    def _idea(self, entry: dict, author: User) -> int:
        status = IdeaStatus(entry["status"])
        idea, created = Idea.objects.get_or_create(
            author=author,
            title=entry["title"],
            defaults={
                "problem": entry["problem"],
                "proposal": entry["proposal"],
                "beneficiaries": entry["beneficiaries"],
                "category": entry["category"],
                "district": entry["district"],
                "language": detect_language(f"{entry['title']} {entry['problem']}"),
                "status": status,
                "published_at": timezone.now() if status != IdeaStatus.SUBMITTED else None,
            },
        )
        return int(created)
