"""SQLAlchemy models following Open Referral UK 3.0 (HSDS 3.0) table and column names.

Tables: organization, service, location, address, service_at_location, contact, phone,
schedule, language, accessibility, taxonomy_term, attribute. Ids are the feed's own string ids
(uuid text). Dates and times keep ORUK's text forms where the feed's form matters
(``opens_at``/``closes_at``), and use DATE/DATETIME columns otherwise.

Attributes use ORUK's polymorphic link: ``link_id`` is the id of the row the attribute is
attached to and ``link_entity`` names that row's table ("service" or "location"). One column
was added to ORUK: ``position`` on attribute, phone and service_at_location keeps the order of
the feed, so the first ``harrow-needs`` attribute stays the primary category and the first
phone stays the main number.

Schema changes go through Alembic (``bot/directory/migrations``); a test checks that the
migrations and these models agree.
"""
from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    and_,
)
from sqlalchemy.orm import declarative_base, foreign, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Base = declarative_base(metadata=MetaData(naming_convention=NAMING_CONVENTION))

ID = String(64)
ACTIVE = "active"
INACTIVE = "inactive"  # ORUK status of a service no longer offered


def _fk(target: str) -> ForeignKey:
    return ForeignKey(target, ondelete="CASCADE")


class Organization(Base):
    __tablename__ = "organization"

    id = Column(ID, primary_key=True)
    name = Column(Text, nullable=False)
    description = Column(Text)
    email = Column(Text)
    website = Column(Text)
    logo = Column(Text)
    uri = Column(Text)
    parent_organization_id = Column(ID)

    services = relationship("Service", back_populates="organization")


class TaxonomyTerm(Base):
    __tablename__ = "taxonomy_term"

    id = Column(ID, primary_key=True)
    name = Column(Text, nullable=False)
    description = Column(Text)
    parent_id = Column(ID)
    taxonomy = Column(Text, index=True)
    taxonomy_id = Column(ID)
    term_uri = Column(Text)
    term = Column(Text, index=True)


class Attribute(Base):
    __tablename__ = "attribute"

    id = Column(ID, primary_key=True)
    link_id = Column(ID, nullable=False, index=True)
    link_entity = Column(String(50), nullable=False)
    link_type = Column(Text)
    taxonomy_term_id = Column(ID, ForeignKey("taxonomy_term.id"), nullable=False, index=True)
    value = Column(Text)
    position = Column(Integer, nullable=False, default=0)

    taxonomy_term = relationship(TaxonomyTerm, lazy="joined")


class Service(Base):
    __tablename__ = "service"

    id = Column(ID, primary_key=True)
    organization_id = Column(ID, ForeignKey("organization.id"), index=True)
    name = Column(Text, nullable=False)
    description = Column(Text)
    url = Column(Text)
    email = Column(Text)
    status = Column(String(30), nullable=False, default=ACTIVE, index=True)
    feed_url = Column(Text, index=True)  # the live feed it came from (import --url)
    fees = Column(Text)
    accreditations = Column(Text)
    minimum_age = Column(Float)
    maximum_age = Column(Float)
    assured_date = Column(Date)
    assurer_email = Column(Text)
    alert = Column(Text)
    last_modified = Column(DateTime(timezone=True))

    organization = relationship(Organization, back_populates="services")
    service_at_locations = relationship(
        "ServiceAtLocation", back_populates="service", cascade="all, delete-orphan",
        order_by="[ServiceAtLocation.position, ServiceAtLocation.id]",
    )
    schedules = relationship("Schedule", cascade="all, delete-orphan", order_by="Schedule.id")
    phones = relationship("Phone", cascade="all, delete-orphan",
                          order_by="[Phone.position, Phone.id]")
    contacts = relationship("Contact", cascade="all, delete-orphan", order_by="Contact.id")
    languages = relationship("Language", cascade="all, delete-orphan", order_by="Language.id")
    attributes = relationship(
        Attribute, cascade="all, delete-orphan",
        order_by=lambda: [Attribute.position, Attribute.id],
        primaryjoin=lambda: and_(Service.id == foreign(Attribute.link_id),
                                 Attribute.link_entity == "service"),
        overlaps="attributes",
    )


class Location(Base):
    __tablename__ = "location"

    id = Column(ID, primary_key=True)
    location_type = Column(String(20), nullable=False, default="physical")
    name = Column(Text)
    description = Column(Text)
    latitude = Column(Float)
    longitude = Column(Float)
    external_identifier = Column(Text)
    external_identifier_type = Column(Text)

    addresses = relationship("Address", cascade="all, delete-orphan", order_by="Address.id")
    accessibility = relationship(
        "Accessibility", cascade="all, delete-orphan", order_by="Accessibility.id"
    )
    phones = relationship("Phone", cascade="all, delete-orphan",
                          order_by="[Phone.position, Phone.id]")
    attributes = relationship(
        Attribute, cascade="all, delete-orphan",
        order_by=lambda: [Attribute.position, Attribute.id],
        primaryjoin=lambda: and_(Location.id == foreign(Attribute.link_id),
                                 Attribute.link_entity == "location"),
        overlaps="attributes",
    )


class ServiceAtLocation(Base):
    __tablename__ = "service_at_location"

    id = Column(ID, primary_key=True)
    service_id = Column(ID, _fk("service.id"), nullable=False, index=True)
    location_id = Column(ID, ForeignKey("location.id"), nullable=False, index=True)
    description = Column(Text)
    position = Column(Integer, nullable=False, default=0)

    service = relationship(Service, back_populates="service_at_locations")
    location = relationship(Location)
    schedules = relationship(
        "Schedule", back_populates="service_at_location", cascade="all, delete-orphan",
        order_by="Schedule.id",
    )


class Address(Base):
    __tablename__ = "address"

    id = Column(ID, primary_key=True)
    location_id = Column(ID, _fk("location.id"), nullable=False, index=True)
    attention = Column(Text)
    address_1 = Column(Text, nullable=False)
    address_2 = Column(Text)
    city = Column(Text)
    region = Column(Text)
    state_province = Column(Text)
    postal_code = Column(Text, index=True)
    country = Column(String(2))
    address_type = Column(String(20), nullable=False, default="physical")


class Accessibility(Base):
    __tablename__ = "accessibility"

    id = Column(ID, primary_key=True)
    location_id = Column(ID, _fk("location.id"), nullable=False, index=True)
    description = Column(Text)
    details = Column(Text)
    url = Column(Text)


class Contact(Base):
    __tablename__ = "contact"

    id = Column(ID, primary_key=True)
    service_id = Column(ID, _fk("service.id"), index=True)
    name = Column(Text)
    title = Column(Text)
    department = Column(Text)
    email = Column(Text)

    phones = relationship("Phone", cascade="all, delete-orphan",
                          order_by="[Phone.position, Phone.id]")


class Phone(Base):
    __tablename__ = "phone"

    id = Column(ID, primary_key=True)
    service_id = Column(ID, _fk("service.id"), index=True)
    location_id = Column(ID, _fk("location.id"), index=True)
    contact_id = Column(ID, _fk("contact.id"), index=True)
    number = Column(Text, nullable=False)
    extension = Column(Text)
    type = Column(Text)
    description = Column(Text)
    position = Column(Integer, nullable=False, default=0)


class Schedule(Base):
    __tablename__ = "schedule"

    id = Column(ID, primary_key=True)
    service_id = Column(ID, _fk("service.id"), index=True)
    service_at_location_id = Column(ID, _fk("service_at_location.id"), index=True)
    valid_from = Column(Date)
    valid_to = Column(Date)
    dtstart = Column(Date)
    freq = Column(String(10))
    interval = Column(Integer)
    byday = Column(Text)
    bymonthday = Column(Text)
    description = Column(Text)
    opens_at = Column(Text)
    closes_at = Column(Text)
    schedule_link = Column(Text)
    attending_type = Column(Text)
    notes = Column(Text)

    service_at_location = relationship(ServiceAtLocation, back_populates="schedules")


class Language(Base):
    __tablename__ = "language"

    id = Column(ID, primary_key=True)
    service_id = Column(ID, _fk("service.id"), index=True)
    name = Column(Text)
    code = Column(String(10), index=True)
    note = Column(Text)


class TranslationCache(Base):
    """Machine translations of directory text, never shown as reviewed (DESIGN.md)."""

    __tablename__ = "translation_cache"

    source_hash = Column(String(64), primary_key=True)  # sha256 of provider, languages, text
    source_language = Column(String(10), nullable=False)
    target_language = Column(String(10), nullable=False)
    provider = Column(String(40), nullable=False)
    text = Column(Text, nullable=False)
    created = Column(DateTime(timezone=True), nullable=False)


class HelpRequest(Base):
    """A resident's request for a person: a callback, or an interpreter for an appointment.
    The only place the assistant keeps contact details (conversations are stored masked)."""

    __tablename__ = "help_request"

    id = Column(Integer, primary_key=True, autoincrement=True)
    reference = Column(String(16), nullable=False, unique=True)
    kind = Column(String(20), nullable=False, index=True)  # callback | interpreter
    status = Column(String(10), nullable=False, index=True)  # draft | open | done
    created = Column(DateTime(timezone=True), nullable=False)
    conversation_id = Column(String(255), index=True)  # to find a form's draft
    closed = Column(DateTime(timezone=True), index=True)
    conversation_language = Column(String(10), nullable=False)
    first_name = Column(String(100), nullable=False)
    phone = Column(String(20))
    email = Column(String(254))
    best_time = Column(String(100))
    call_language = Column(String(10))
    interpreter_needed = Column(Boolean, nullable=False, default=False)
    interpreter_language = Column(String(10))
    appointment_date = Column(Date)
    appointment_mode = Column(String(20))  # face_to_face | video
    need_category = Column(String(40))
    consent = Column(Boolean, nullable=False)


class FeedImport(Base):
    """A live feed import in progress (``import --url``): resumable from ``next_page``."""

    __tablename__ = "feed_import"

    url = Column(Text, primary_key=True)
    next_page = Column(Integer, nullable=False)
    seen_ids = Column(Text, nullable=False)  # JSON list of the service ids seen so far
    started = Column(DateTime(timezone=True), nullable=False)
    updated = Column(DateTime(timezone=True), nullable=False)
